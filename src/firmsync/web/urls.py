"""The web UI's pages, under ``/`` (the API keeps ``/api/``)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from firmsync.web import (
    actions,
    alerts,
    companies,
    lists,
    members,
    new,
    settings,
    tokens,
    usage,
    webhooks,
)

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
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="web/password_reset.html",
            email_template_name="web/email/password_reset.txt",
            subject_template_name="web/email/password_reset_subject.txt",
            success_url=reverse_lazy("web:password_reset_sent"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html"),
        name="password_reset_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("web:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("", companies.company_list, name="companies"),
    path("companies/new/", new.company_new, name="company_new"),
    path("companies/typeahead/", new.typeahead, name="typeahead"),
    path("companies/review/", companies.review_queue, name="review"),
    path("companies/import/", lists.import_upload, name="import"),
    path("companies/import/<str:key>/", lists.import_mapping, name="import_mapping"),
    path("companies/import/<str:key>/done/", lists.import_done, name="import_done"),
    path("companies/export/", lists.export_list, name="export"),
    path("companies/<int:card_id>/", companies.company_card, name="company"),
    path("companies/<int:card_id>/edit/", actions.company_edit, name="company_edit"),
    path("companies/<int:card_id>/sync/", actions.company_sync, name="company_sync"),
    path("companies/<int:card_id>/link/", actions.company_link, name="company_link"),
    path("companies/<int:card_id>/reject/", actions.company_reject, name="company_reject"),
    path("companies/<int:card_id>/state/", actions.sync_state, name="company_state"),
    path("usage/", usage.usage_page, name="usage"),
    path("alerts/", alerts.alerts_list, name="alerts"),
    path("alerts/read/", alerts.alerts_read, name="alerts_read"),
    path("alerts/<int:alert_id>/read/", alerts.alert_read, name="alert_read"),
    path("settings/tokens/", tokens.tokens_page, name="tokens"),
    path("settings/tokens/new/", tokens.token_new, name="token_new"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_remove, name="token_revoke"),
    path("settings/members/", members.members_page, name="members"),
    path("settings/members/add/", members.member_add, name="member_add"),
    path("settings/webhooks/", webhooks.webhooks_page, name="webhooks"),
    path("settings/webhooks/new/", webhooks.webhook_new, name="webhook_new"),
    path("settings/webhooks/<int:webhook_id>/", webhooks.webhook_log, name="webhook_log"),
    path(
        "settings/webhooks/<int:webhook_id>/test/", webhooks.webhook_send_test, name="webhook_test"
    ),
    path(
        "settings/webhooks/<int:webhook_id>/remove/", webhooks.webhook_remove, name="webhook_remove"
    ),
    path("settings/company-completion/", settings.addon_page, name="addon"),
    path("settings/company-completion/switch/", settings.addon_switch, name="addon_switch"),
    path("settings/company-completion/settings/", settings.addon_settings, name="addon_settings"),
    path("settings/company-completion/progress/", settings.addon_progress, name="addon_progress"),
]
