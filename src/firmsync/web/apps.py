from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "firmsync.web"
    label = "web"
    verbose_name = "Web UI"
