"""Django settings, read from TANDEM_* environment variables with secure defaults.

SQLite under the data directory (./var or TANDEM_DATA_DIR) by default; PostgreSQL when
TANDEM_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TANDEM_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """The key from TANDEM_SECRET_KEY, else one generated once and kept in the data directory."""
    if key := os.environ.get("TANDEM_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two workers starting together must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("TANDEM_DEBUG")
ALLOWED_HOSTS = _list("TANDEM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _list("TANDEM_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "tandem.accounts",
    "tandem.collab",
    "tandem.interop",
    "tandem.products",
    "tandem.projects",
    "tandem.finance",
    "tandem.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "tandem.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.web.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tandem.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "tandem.urls"
ASGI_APPLICATION = "tandem.asgi.application"

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
                "tandem.web.context.navigation",
            ],
        },
    },
]

if database_url := os.environ.get("TANDEM_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "tandem.sqlite3"),
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue instead of failing with "database is locked".
                # Django turns foreign keys on for every SQLite connection.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cookies: never readable by scripts, not sent on cross-site subrequests; marked Secure when
# tandem is served over HTTPS (TANDEM_HTTPS=1, the production setting).
HTTPS = _flag("TANDEM_HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "tandem.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _flag("TANDEM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served by ServeStatic (WhiteNoise's ASGI-capable successor) straight from the
# app folders (vendor files are copied there from npm by `make`): no collectstatic step.
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_USE_STATIC_ROOT = False
SERVESTATIC_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get(
    "TANDEM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("TANDEM_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("TANDEM_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("TANDEM_FROM_EMAIL", "tandem <tandem@localhost>")

# The address people use to reach this instance, for links in invitation emails.
BASE_URL = os.environ.get("TANDEM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Sign-in throttling: after this many failures in the window, each further attempt for the
# same email or client address waits twice as long as the one before.
LOGIN_FREE_FAILURES = int(os.environ.get("TANDEM_LOGIN_FREE_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TANDEM_LOG_LEVEL", "WARNING")},
}
