"""Django settings, all taken from :mod:`firmsync.conf` (``FIRMSYNC_*`` variables)."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import dj_database_url

from firmsync import conf
from firmsync.project.mail import email_settings

CONFIG = conf.load()
CONFIG.data_dir.mkdir(parents=True, exist_ok=True)

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # its templates and static files: /api/docs with no CDN
    "firmsync.crm",
    "firmsync.enrichment",
    "firmsync.api",
    "django_htmx",
    "axes",
    "firmsync.web",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "firmsync.api.idempotency.IdempotencyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: a fragment or the whole page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: answers a locked sign-in
]
# Scripts, styles, images and requests from this server only, and no inline script or style:
# htmx and every asset are served from here; forms post here; no one frames the pages.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/"],  # JSON answers: nothing a browser renders
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if CONFIG.https:
    # Behind a proxy that ends TLS and says so; cookies never travel in the clear.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ROOT_URLCONF = "firmsync.project.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# The web UI's pages (firmsync.web): every one needs a signed-in member.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:companies"
LOGOUT_REDIRECT_URL = "web:login"
# Lockout (django-axes): 5 failed sign-ins for one e-mail address from one IP address lock
# that pair out for an hour. The pair, not the address alone, so that nobody can lock a
# colleague out from elsewhere; a success clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
# E-mail (password resets): on the console unless FIRMSYNC_EMAIL_URL names an SMTP server.
globals().update(email_settings(CONFIG.email_url))
WSGI_APPLICATION = "firmsync.project.wsgi.application"
# Every log record of the process, whichever handler writes it, has its CNPs masked
# (firmsync.logs). Django calls LOGGING_CONFIG only for a LOGGING that is not empty.
LOGGING_CONFIG = "firmsync.logs.configure"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The CRM in "default"; the register in "registry", its own database (DESIGN §4.1). The
# register has no Django models: firmsync.registry reads and writes it with its own SQL.
DATABASES = {
    "default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60),
    "registry": dj_database_url.parse(CONFIG.register_url),
}
# Each process keeps its connection from request to request and job to job (CONN_MAX_AGE),
# checked before a request or a job reuses it: one the server dropped is opened anew
# instead of failing that request (docs/deploy.md, "Connections").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL: readers do not wait for the writer, and a commit is not an fsync of the whole
    # journal (synchronous=NORMAL is durable in WAL mode but for the last commits on power
    # loss). IMMEDIATE: a transaction takes the write lock when it starts, which is what
    # SQLite offers for select_for_update's row lock — a card's sync and a user's edit are
    # serialised instead of failing with "database is locked" half-way. wal_autocheckpoint:
    # the journal is copied into the database (with an fsync) every 10,000 pages rather than
    # every 1,000; a card's sync writes ~24 pages, so the default copied every 40 cards and
    # cost the backfill 12% (measured: 1,005 → 1,142 cards/s, median of 6 paired runs).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Parameters sent apart from the statement, and a statement run five times on a
    # connection prepared there: PostgreSQL then plans the API's lookups once a connection
    # instead of once a request (Django's defaults suit a pooler in transaction mode, which
    # firmsync does not use; its connections persist, CONN_MAX_AGE above).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    DATABASES["default"]["ENGINE"] = "firmsync.project.postgresql"  # (lists in binary)
DATABASE_ROUTERS = ["firmsync.project.routers.RegisterRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", "Română"), ("en", "English")]
TIME_ZONE = "Europe/Bucharest"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # (whitenoise warns of a missing one)
# whitenoise serves the apps' static files where they are: `firmsync serve` needs no
# collectstatic step, and the API's docs page loads its assets from here, not from a CDN.
WHITENOISE_USE_FINDERS = True

FIRMSYNC_API_RATE = CONFIG.api_rate

_queue = urlparse(CONFIG.queue_url)
if _queue.scheme == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "firmsync",
        "url": CONFIG.queue_url,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "firmsync",
        "filename": CONFIG.queue_url.removeprefix("sqlite:///"),
        "immediate": False,
    }
# Per-token request counts (the API's limit): shared by every web process through Redis at
# scale; in each process's memory on the embedded default.
if _queue.scheme == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.queue_url,
        }
    }
# An idle worker looks at the queue at least once a second (Huey's default waits up to 10 s):
# a new card is filled while the user still looks at it, and every worker joins a backfill.
HUEY["consumer"] = {"max_delay": 1.0}
