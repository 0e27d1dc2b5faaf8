"""Settings for the union-member development system.

Everything that differs between machines comes from the environment, read through the small
typed helpers in ``config.env`` so a bad value fails loudly at start-up instead of at run time.
"""

import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envsecret, read_secret_file

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
TESTING = "pytest" in sys.modules
# SECRET_KEY or SECRET_KEY_FILE from the environment (production names its own file); else the
# `.secret-key` that `make setup` wrote beside manage.py, so `python manage.py …` works as the
# README writes it, in a shell or from cron. A development key only with DEBUG on or under tests.
SECRET_KEY = envsecret(
    "SECRET_KEY",
    default=read_secret_file(BASE_DIR / ".secret-key")
    or ("dev-insecure-key-change-me" if (DEBUG or TESTING) else None),
)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "core",
    "accounts",
    "organisation",
    "plans",
    "progress",
    "enterprises",
    "reports",
    "campaign",
    "emulation",
    "home",
    "api",
    "ninja",  # its templates and static files (Swagger UI), served locally
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files leave before it (WhiteNoise serves its own pre-compressed
    # .gz/.br files with their Content-Length); above everything that writes the page. Django's
    # CSRF token is masked per request and GZipMiddleware pads its output (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the account read hand-written
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# Django's form templates, with <select> lists written in Python (the same characters; one
# template include per option cost a fifth of the batch form's CPU): core/form_renderer.py.
FORM_RENDERER = "core.form_renderer.QuickRenderer"

WSGI_APPLICATION = "config.wsgi.application"

# SQLite by default (WAL mode, set on every connection below); PostgreSQL with DATABASE_URL.
# Connections are kept for a minute (health-checked before reuse): opening one per request cost
# a fifth of the throughput on PostgreSQL (bench/load_test.py: 51 → 63 requests/s), and on
# SQLite 2.3 ms of CPU (Django registers its SQL functions and sets the PRAGMAs on each). An
# idle connection is in autocommit and holds no lock or snapshot.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_health_checks=True
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, except that a database file it creates is 0600 (personal data).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {})
    # Readers never wait (WAL) and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for a
    # competing one instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": envint("SQLITE_BUSY_TIMEOUT", 60),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# One cache for every worker process (gunicorn runs several): the API's per-token request
# counts must be shared, or each worker would allow the limit again. The database cache needs no
# extra server; its table is made after every migrate (api.apps). See README "JSON API".
CACHES = {
    "default": {
        "BACKEND": "core.cache.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # Rendered page fragments (the dashboard's body and its table), keyed by a hash of what they
    # show: never stale, so each process may keep its own copy, and reading one costs no
    # database query. A dashboard's body is 10–60 KB: 500 entries stay under ~30 MB a process.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

if TESTING:
    # Tests create many users; the real hasher is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Django's four rules, with their messages in Vietnamese (accounts/password_validation.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "plans:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Our own formats: dd/mm/yyyy and 1.100 in Vietnamese (Django's own vi formats use d-m-Y).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's compressed manifest storage, each file's URL kept once known (core.storage).
    "staticfiles": {"BACKEND": "core.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(envsecret("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Spreadsheet imports (core.spreadsheet): caps checked before and while reading a workbook.
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = envint("IMPORT_MAX_UNPACKED_BYTES", 40 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 256)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 2_000_000)
# Request bodies other than files stay small; uploaded files above 2.5 MB go to a temporary
# file (deleted by Django after the request), never to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Sessions end after 8 idle hours and when the browser closes. A request does not write the
# session (on SQLite a write per GET queued every page behind a long import): the idle clock is
# pushed forward at most every SESSION_REFRESH_INTERVAL seconds (accounts.middleware).
SESSION_ENGINE = "core.sessions"  # Django's database sessions, read without the ORM
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_INTERVAL = envint("SESSION_REFRESH_INTERVAL", 300)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads the token: every form posts {% csrf_token %}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own scripts and styles, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Behind HTTPS in production: set SECURE_SSL=1.
if envbool("SECURE_SSL", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes), by user name and by address (accounts/lockout.py), 15 minutes:
# five failures for one user name from one address lock that user name from that address (so
# nobody elsewhere can lock the administrator out), and AXES_ADDRESS_FAILURE_LIMIT failures
# from one address lock that address (one machine trying many user names); a district office
# behind one shared NAT address gets the larger allowance.
AXES_HANDLER = "accounts.lockout.UserAndAddressHandler"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# The audit trail (django-simple-history) is read-only: the admin's "revert" is switched off.
SIMPLE_HISTORY_REVERT_DISABLED = True

EMAIL_BACKEND = envsecret("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envsecret("EMAIL_HOST", default="localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envsecret("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envsecret("DEFAULT_FROM_EMAIL", default="phattriendoanvien@localhost")

# JSON API (api/): requests per token per minute; beyond it, 429.
API_RATE_PER_MINUTE = envint("API_RATE_PER_MINUTE", 120)
NINJA_PAGINATION_MAX_LIMIT = 500

# Business rule, stated once: an enterprise counts as "large" from this many workers (≥, the
# plan's text "từ 25 lao động trở lên"; the table header's "trên 25" is read the same way).
LARGE_ENTERPRISE_MIN_WORKERS = envint("LARGE_ENTERPRISE_MIN_WORKERS", 25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
