"""Metrohub settings, read from environment variables with safe defaults.

Nothing set: SQLite and files in ./var, an in-database task queue, e-mail written to files.
DATABASE_URL switches to PostgreSQL; see docs/operations.md for every variable.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from metrohub.core.env import (
    data_dir,
    env_bool,
    env_choice,
    env_header,
    env_int,
    env_list,
    env_rates,
    env_str,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = data_dir("METROHUB_DATA_DIR", BASE_DIR / "var")

DEBUG = env_bool("METROHUB_DEBUG", False)
SECRET_KEY = secret_key("METROHUB_SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = env_list(
    "METROHUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("METROHUB_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("METROHUB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "metrohub.core",
    "metrohub.organisations",
    "metrohub.accounts",
    "metrohub.eventlog",
    "metrohub.legaltime",
    "metrohub.rulepacks",
    "metrohub.experts",
    "metrohub.uncertainty",
    "metrohub.centers",
    "metrohub.catalogue",
    "metrohub.cases",
    "metrohub.panels",
    "metrohub.guides",
    "metrohub.search",
    "metrohub.jobs",
    "metrohub.alliances",
    "metrohub.statuses",
    "metrohub.sharing",
    "metrohub.enquiries",
    "metrohub.standards",
    "metrohub.certificates",
    "metrohub.annualreports",
    "metrohub.dashboards",
    "metrohub.traceability",
    "metrohub.instruments",
    "metrohub.annualtasks",
    "metrohub.inspections",
    "metrohub.calendars",
]

MIDDLEWARE = [
    # Before everything: sends a certificate scan's read while the rest of the chain runs. It
    # makes no answer and lets no exception out.
    "metrohub.certificates.middleware.VerificationReadAheadMiddleware",
    # Then, so that it sees every answer Django makes, even for exceptions raised in middleware.
    "metrohub.core.middleware.ApiErrorSchemaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "metrohub.core.middleware.ChineseFirstLocaleMiddleware",
    "metrohub.core.middleware.RejectUnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "metrohub.core.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "metrohub.urls"
WSGI_APPLICATION = "metrohub.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "metrohub.core.context_processors.navigation",
            ],
        },
    }
]


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "metrohub.sqlite3",
            "OPTIONS": {
                # WAL and a busy timeout let the web server and the task worker share the file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("METROHUB_DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from exc
    if config.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must name a postgresql:// or sqlite:// database.")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Pages run short queries. PostgreSQL compiles a query to machine code (JIT) once its
        # estimated cost passes a threshold, and a plan priced high for many cheap key lookups
        # (the worklist's candidates) spent 43 of its 103 ms compiling at national scale.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_choice(
            "METROHUB_TASK_BACKEND",
            (
                "django_tasks_db.DatabaseBackend",
                "django.tasks.backends.immediate.ImmediateBackend",
                "django.tasks.backends.dummy.DummyBackend",
            ),
            "django_tasks_db.DatabaseBackend",
        ),
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("METROHUB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "metrohub_language"
FORMAT_MODULE_PATH = ["metrohub.core.formats"]  # English dates as core/dates.py writes them

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm (package.json) at setup and are served from node_modules.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / path)
    for prefix, path in [("echarts", "echarts/dist")]
    if (NODE_MODULES / path).exists()
]
MEDIA_ROOT = data_dir("METROHUB_MEDIA_DIR", DATA_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads larger than this are refused with a clear error (bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("METROHUB_MAX_REQUEST_BYTES", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
METROHUB_MAX_UPLOAD_BYTES = env_int("METROHUB_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)

# E-mail is written to files in DATA_DIR/mail until an SMTP host is configured.
_SMTP_HOST = env_str("METROHUB_SMTP_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _SMTP_HOST,
            "port": env_int("METROHUB_SMTP_PORT", 25),
            "username": env_str("METROHUB_SMTP_USER"),
            "password": env_str("METROHUB_SMTP_PASSWORD"),
            "use_tls": env_bool("METROHUB_SMTP_TLS", False),
        },
    }
    if _SMTP_HOST
    else {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = env_str("METROHUB_FROM_EMAIL", "Metrohub <noreply@metrohub.localhost>")

# One process: memory. Several app servers: the database (run `metrohub createcachetable`), so
# that rate limits count every server's requests together.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if env_choice("METROHUB_CACHE", ("memory", "database"), "memory") == "memory"
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "metrohub_cache"}
}

# Public endpoints that cost are rate-limited per client (metrohub.core.ratelimit); behind a
# reverse proxy the client is read from X-Forwarded-For when the request comes from one of these.
METROHUB_TRUSTED_PROXIES = env_list("METROHUB_TRUSTED_PROXIES", [])
METROHUB_RATE_LIMITS_ENABLED = env_bool("METROHUB_RATE_LIMITS_ENABLED", True)
METROHUB_DEFAULT_RATES = {
    "search": "60/m",  # catalogue and registry searches, pages and API
    "export": "10/m",  # spreadsheets of search results
    "objection": "5/10m",  # objections filed during a public notice
    "verification": "30/m",  # certificate and report verification
    "calculator": "60/m",  # the deadline calculator
    "evaluation": "10/m",  # uncertainty evaluations (page, report, API)
    "login": "20/10m",  # log-in attempts from one address (django-axes locks per username too)
}
METROHUB_RATES = env_rates("METROHUB_RATE_LIMITS", METROHUB_DEFAULT_RATES)
AXES_CLIENT_IP_CALLABLE = "metrohub.core.ratelimit.client_address"

# Strict policy: no inline script or style anywhere; everything is served from this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("METROHUB_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS behind a TLS-terminating proxy (docs/operations.md): the header the proxy sets on requests
# that came in over HTTPS (`X-Forwarded-Proto: https`), redirecting plain HTTP, and HSTS. Off by
# default so that `make run` on http://127.0.0.1 keeps working.
SECURE_PROXY_SSL_HEADER = env_header("METROHUB_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("METROHUB_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check speaks plain HTTP
SECURE_HSTS_SECONDS = env_int("METROHUB_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("METROHUB_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("METROHUB_HSTS_PRELOAD", False)

# Personal API tokens expire: at most this many days after they are issued, whatever was asked.
METROHUB_API_TOKEN_MAX_DAYS = env_int("METROHUB_API_TOKEN_MAX_DAYS", 180, minimum=1)

NINJA_PAGINATION_PER_PAGE = 50

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("METROHUB_LOG_LEVEL", "WARNING")},
}

ADMIN_SITE_HEADER = _("Metrohub administration")

# Who runs this installation, shown in every page's footer (empty: a generic line).
METROHUB_OPERATOR = {
    "name": env_str("METROHUB_OPERATOR_NAME", ""),
    "address": env_str("METROHUB_OPERATOR_ADDRESS", ""),
    "phone": env_str("METROHUB_OPERATOR_PHONE", ""),
    "email": env_str("METROHUB_OPERATOR_EMAIL", ""),
}
