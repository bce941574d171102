"""API tokens, members and webhooks on the web: each through the service the API and the
CLI call, administrators' operations refused to members, accounts apart."""

from __future__ import annotations

import re

import pytest

from firmsync.crm.models import ApiToken, Membership
from firmsync.crm.services import token_authenticate
from firmsync.enrichment.models import WebhookDelivery, WebhookSubscription

from .conftest import Member, browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_token_is_shown_once_works_and_is_revoked(ana: Member, ion: Member) -> None:
    client = browser(ion, "en")
    made = client.post("/settings/tokens/new/", {"name": "erp"})
    raw = re.search(r'id="raw" type="text" readonly value="(fs_[^"]+)"', made.text).group(1)
    token = token_authenticate(raw)
    assert token is not None and token.name == "erp"
    listing = client.get("/settings/tokens/").text
    assert raw not in listing and token.prefix in listing
    # A member sees and revokes their own tokens only; the administrator sees every one.
    anas = ApiToken.objects.filter(membership__user__username=ana.email).first()
    assert anas.prefix not in listing
    client.post(f"/settings/tokens/{anas.pk}/revoke/")
    assert token_authenticate(ana.api.token) is not None
    assert token.prefix in browser(ana, "en").get("/settings/tokens/").text
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert token_authenticate(raw) is None


def test_an_administrator_adds_members_and_a_member_cannot(ana: Member, ion: Member) -> None:
    page = browser(ana, "en").get("/settings/members/").text
    assert "ion@acme.ro" in page and "Add a member" in page
    browser(ana, "en").post("/settings/members/add/", {"email": "Eva@Acme.ro", "role": "member"})
    assert Membership.objects.filter(account=ana.account, user__username="eva@acme.ro").exists()
    refused = browser(ion, "en").post(
        "/settings/members/add/", {"email": "x@acme.ro", "role": "admin"}, follow=True
    )
    assert "Only an administrator" in refused.text and "Add a member" not in refused.text
    assert not Membership.objects.filter(user__username="x@acme.ro").exists()


def test_webhooks_for_administrators_with_the_secret_once_and_a_test(
    ana: Member, ion: Member, bob: Member
) -> None:
    client = browser(ana, "en")
    bad = client.post("/settings/webhooks/new/", {"url": "ftp://x", "events": ["*"]})
    assert bad.status_code == 422 and "http:// or https://" in bad.text
    made = client.post(
        "/settings/webhooks/new/", {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    )
    subscription = WebhookSubscription.objects.get(account=ana.account)
    assert subscription.secret in made.text
    assert subscription.secret not in client.get("/settings/webhooks/").text
    client.post(f"/settings/webhooks/{subscription.pk}/test/")
    assert WebhookDelivery.objects.filter(
        subscription=subscription, event_type="webhook.test"
    ).exists()
    assert "webhook.test" in client.get(f"/settings/webhooks/{subscription.pk}/").text
    assert browser(ion, "en").get("/settings/webhooks/").status_code == 403
    assert browser(bob).get(f"/settings/webhooks/{subscription.pk}/").status_code == 404
    assert browser(bob).post(f"/settings/webhooks/{subscription.pk}/remove/").status_code == 404
    client.post(f"/settings/webhooks/{subscription.pk}/remove/")
    assert not WebhookSubscription.objects.exists()
