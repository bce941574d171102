"""Where firmsync's e-mail goes (password resets): Django's e-mail settings from one URL,
``FIRMSYNC_EMAIL_URL``.

>>> email_settings("console://")["EMAIL_BACKEND"]
'django.core.mail.backends.console.EmailBackend'
>>> smtp = email_settings("smtp://crm%40acme.ro:s%3Acret@mail.acme.ro?from=crm@acme.ro")
>>> smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"], smtp["EMAIL_USE_SSL"]
('mail.acme.ro', 587, True, False)
>>> smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"], smtp["DEFAULT_FROM_EMAIL"]
('crm@acme.ro', 's:cret', 'crm@acme.ro')
>>> email_settings("smtps://mail.acme.ro")["EMAIL_PORT"]
465
>>> email_settings("smtp://relay:25")["EMAIL_USE_TLS"]
False
>>> email_settings("ftp://x")
Traceback (most recent call last):
...
django.core.exceptions.ImproperlyConfigured: FIRMSYNC_EMAIL_URL: ...
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

__all__ = ["email_settings"]


def email_settings(url: str) -> dict[str, Any]:
    """``console://`` (the default: mail is printed where firmsync runs),
    ``smtp://user:password@host[:port]`` (STARTTLS, port 587 by default; none on port 25) or
    ``smtps://…`` (TLS from the start, port 465); ``?from=address`` sets the sender."""
    parsed = urlparse(url)
    sender = parse_qs(parsed.query).get("from", ["firmsync@localhost"])[0]
    if parsed.scheme == "console":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DEFAULT_FROM_EMAIL": sender,
        }
    if parsed.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"FIRMSYNC_EMAIL_URL: {parsed.scheme!r} is not console://, smtp:// or smtps://"
        )
    port = parsed.port or (465 if parsed.scheme == "smtps" else 587)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and port != 25,
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
    }
