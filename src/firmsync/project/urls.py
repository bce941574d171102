from django.contrib import admin
from django.urls import include, path

from firmsync.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch
    path("", include("firmsync.web.urls")),
]
