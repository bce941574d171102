"""Password reset by e-mail: the link works once, and a stranger's address sends nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import Member

pytestmark = pytest.mark.django_db


def test_reset_by_email_then_sign_in_with_the_new_password(ana: Member, mailoutbox) -> None:
    user = get_user_model().objects.get(username=ana.email)
    user.set_password("old horse")
    user.save()
    client = Client()
    page = client.get("/password-reset/")
    assert page.status_code == 200 and 'for="id_email"' in page.text
    sent = client.post("/password-reset/", {"email": "Ana@Acme.ro"})
    assert sent.status_code == 302 and sent["Location"] == "/password-reset/sent/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [ana.email]
    assert "parolă" in mailoutbox[0].subject  # Romanian by default
    link = re.search(r"http://testserver(/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'for="id_new_password1"' in form.text
    changed = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new stable horse", "new_password2": "a new stable horse"},
    )
    assert changed.status_code == 302 and changed["Location"] == "/password-reset/done/"
    assert "expirat" in client.get(link, follow=True).text  # the link worked once
    signed = client.post("/login/", {"username": ana.email, "password": "a new stable horse"})
    assert signed.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ana: Member, mailoutbox) -> None:
    sent = Client().post("/password-reset/", {"email": "nobody@acme.ro"})
    assert sent.status_code == 302 and sent["Location"] == "/password-reset/sent/"
    assert mailoutbox == []
