"""Signing in and out, and no page without it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from firmsync.web.urls import urlpatterns

from .conftest import Member, browser

pytestmark = pytest.mark.django_db

# The pages a visitor needs before signing in.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_sent",
    "password_reset_confirm",
    "password_reset_complete",
}


@pytest.mark.parametrize(
    "pattern", [p for p in urlpatterns if p.name not in PUBLIC], ids=lambda p: p.name
)
def test_every_page_needs_a_signed_in_member(pattern: URLPattern, ana: Member) -> None:
    kwargs = {name: 1 for name in pattern.pattern.converters}
    url = reverse(f"web:{pattern.name}", kwargs=kwargs)
    answer = Client().get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/login/?next=")


def test_sign_in_with_the_password_then_out(ana: Member) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=ana.email)
    user.set_password("correct horse")
    user.save()
    client = Client()
    form = client.get("/login/")
    assert form.status_code == 200 and 'for="id_username"' in form.text
    wrong = client.post("/login/", {"username": ana.email, "password": "wrong"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.text
    signed = client.post("/login/", {"username": ana.email, "password": "correct horse"})
    assert signed.status_code == 302 and signed["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405  # a link cannot sign anyone out
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_user_of_no_account_is_refused(db: None) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_user("stray@example.ro"))
    assert client.get("/").status_code == 403


def test_the_language_switch_and_both_languages(ana: Member) -> None:
    client = browser(ana)
    assert 'lang="ro"' in client.get("/").text and "Companii" in client.get("/").text
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get("/")
    assert 'lang="en"' in page.text and "Companies" in page.text and "Sign out" in page.text


def test_htmx_and_styles_come_from_this_server(ana: Member) -> None:
    html = browser(ana).get("/").text
    assert '<script src="/static/web/htmx.min.js" defer></script>' in html
    assert "https://" not in html and "<script>" not in html
    assert Client().get("/static/web/htmx.min.js").status_code == 200


def test_repeated_failures_lock_the_sign_in_out(ana: Member) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=ana.email)
    user.set_password("correct horse")
    user.save()
    client = Client()
    for _ in range(4):
        failed = client.post("/login/", {"username": ana.email, "password": "wrong"})
        assert failed.status_code == 200
    locked = client.post("/login/", {"username": ana.email, "password": "wrong"})
    assert locked.status_code == 429 and "Autentificare blocată" in locked.text
    # Locked means locked: the right password no longer signs in from here.
    again = client.post("/login/", {"username": ana.email, "password": "correct horse"})
    assert again.status_code == 429 and client.get("/").status_code == 302
    # Another user from the same place is not locked out.
    other = Client().post("/login/", {"username": "ion@acme.ro", "password": "wrong"})
    assert other.status_code == 200
