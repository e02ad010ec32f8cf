"""The one settings module. Every deployment knob is an environment variable.

Unset, the product runs on its embedded default: SQLite under ``var/``, Celery
tasks run in-process, files on the local disk.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from nhri_portal.env import (
    ConfigError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NHRI_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "simple_history",
    "django_countries",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "csp",
    "institutions",
    "accreditation",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "nhri_portal.middleware.RequireMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "nhri_portal.urls"
WSGI_APPLICATION = "nhri_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "institutions.context_processors.roles",
            ],
        },
    }
]

# Databases: PostgreSQL from DATABASE_URL, else a SQLite file under var/.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    # The embedded default keeps its database under var/; make sure the folder exists.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "nhri.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache. Unset, tasks run eagerly in-process.
REDIS_URL = redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "process-deadlines": {
        "task": "reviews.process_deadlines",
        "schedule": env_int("NHRI_SWEEP_INTERVAL_SECONDS", 3600, minimum=60),
    },
    "requeue-stuck-messages": {"task": "reviews.requeue_stuck_messages", "schedule": 300},
    "requeue-stuck-documents": {"task": "reviews.requeue_stuck_documents", "schedule": 300},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nhri",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Accounts are created by the secretariat (or by an invitation), never by open sign-up.
ACCOUNT_ADAPTER = "nhri_portal.accounts.ClosedSignupAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Roles whose accounts must have a second factor when DEBUG is off.
NHRI_REQUIRE_MFA = env_bool("NHRI_REQUIRE_MFA", default=not DEBUG)
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["nhri_portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

# Files: local disk by default; an S3-compatible bucket when NHRI_S3_BUCKET is set.
_s3_bucket = env_str("NHRI_S3_BUCKET")
_default_storage: dict[str, object]
if _s3_bucket:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": env_str("NHRI_S3_ENDPOINT_URL") or None,
            "region_name": env_str("NHRI_S3_REGION") or None,
            "access_key": env_str("NHRI_S3_ACCESS_KEY") or None,
            "secret_key": env_str("NHRI_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: the largest document accepted, checked before the file is read whole.
NHRI_MAX_UPLOAD_BYTES = env_int("NHRI_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)


def _reminder_days(name: str, default: str, *, minimum: int) -> tuple[int, ...]:
    """Whole numbers of days separated by commas (empty: none); refused at start otherwise."""
    days = env_list(name, default.split(","))
    if not all(day.isascii() and day.isdigit() and int(day) >= minimum for day in days):
        raise ConfigError(
            f"{name} must list whole numbers of days of at least {minimum}, separated by "
            f"commas (e.g. {default!r}), not {env_str(name)!r}"
        )
    return tuple(sorted({int(day) for day in days}))


# Reminders: the deadline sweep reminds those concerned this many days before a
# deadline, and (for duties still undone) this many days after it.
NHRI_REMINDER_DAYS_BEFORE = _reminder_days("NHRI_REMINDER_DAYS_BEFORE", "7,1", minimum=0)
NHRI_REMINDER_DAYS_AFTER = _reminder_days("NHRI_REMINDER_DAYS_AFTER", "1", minimum=1)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "accreditation@nhri-portal.invalid")
# The portal's address as its users reach it: the links in every mail start with it.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

_api_anon_rate = env_str("NHRI_API_ANON_RATE", "120/minute")
if _api_anon_rate and not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", _api_anon_rate):
    raise ConfigError(
        "NHRI_API_ANON_RATE must be a number of requests per second, minute, hour or day "
        f"(e.g. '120/minute'), or empty for no limit, not {_api_anon_rate!r}"
    )

# The API (nhri_portal/api.py): a browser's session (with CSRF) or a user's token; signed
# in unless a view opens itself to the public; JSON errors; anonymous reads throttled.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "nhri_portal.api_schema.AutoSchema",
    # The token first: it names the scheme of a 401 (WWW-Authenticate: Token).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "nhri_portal.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "nhri_portal.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "nhri_portal.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["nhri_portal.api.AnonymousReadThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": _api_anon_rate or None},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NHRI Accreditation Portal API",
    "DESCRIPTION": (
        "Public data (institutions, their status on any day, published session reports) "
        "without a token; with a user's token (Authorization: Token <key>), what that user "
        "may see and do in the browser."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set wherever a field uses it.
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "accreditation.enums.Grade",
        "InstitutionKindEnum": "institutions.enums.InstitutionKind",
        "RegionEnum": "institutions.enums.RegionCode",
        "ReviewKindEnum": "reviews.enums.ReviewKind",
        "ReviewStateEnum": "reviews.enums.ReviewState",
        "OutcomeEnum": "reviews.enums.Outcome",
        "ParagraphKindEnum": "reviews.enums.ParagraphKind",
        "VoteEnum": "reviews.enums.Vote",
        "MoveTargetEnum": "reviews.forms.discussion.MOVE_TARGETS",
    },
}

# Security. Cookies are secure whenever the site is not in development mode.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A line per task is noise when tasks run in-process.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        # WeasyPrint logs every step of every render at INFO (and fontTools each subset).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
