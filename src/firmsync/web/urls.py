"""The web UI's pages, under ``/`` (the API keeps ``/api/``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from firmsync.web import companies

app_name = "web"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only
    path("", companies.company_list, name="companies"),
    path("companies/<int:card_id>/", companies.company_card, name="company"),
]
