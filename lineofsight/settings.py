"""Settings for Line of Sight.

Everything that differs between a laptop demo and a council's production service comes from
environment variables, read through `env()` so that a test can check each one is documented in the
README. The defaults are the embedded demo: SQLite and DuckDB files under `var/`.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lineofsight.accounts.oidc_config import csp_form_action, oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT_VARIABLES: dict[str, str] = {}


def env(name: str, default: str) -> str:
    ENVIRONMENT_VARIABLES[name] = default
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


LINEOFSIGHT_ENV = env("LINEOFSIGHT_ENV", "development")
PRODUCTION = LINEOFSIGHT_ENV == "production"
DEBUG = env_bool("LINEOFSIGHT_DEBUG", False)

VAR_DIR = Path(env("LINEOFSIGHT_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    ENVIRONMENT_VARIABLES["DJANGO_SECRET_KEY"] = ""
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when LINEOFSIGHT_ENV=production")
    # A development key is made once per machine and kept out of the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip() for h in env("LINEOFSIGHT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env("LINEOFSIGHT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    # The second factor at sign-in: time-based one-time passwords and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Imports and recomputes queued from pages, kept in the database for `lineofsight worker`.
    "django_tasks",
    "django_tasks_db",
    "lineofsight.accounts",
    "lineofsight.history",
    "lineofsight.web",
    "lineofsight.casework",
    "lineofsight.intake",
    "lineofsight.synthetic",
    "lineofsight.timeliness",
    "lineofsight.framework",
    "lineofsight.actions",
    "lineofsight.audits",
    "lineofsight.worklists",
    "lineofsight.children",
    "lineofsight.recording",
    "lineofsight.supervision",
    "lineofsight.themes",
    "lineofsight.standards",
    "lineofsight.workforce",
    "lineofsight.teams",
    "lineofsight.indicators",
    "lineofsight.practiceweeks",
    "lineofsight.feedback",
    "lineofsight.concerns",
    "lineofsight.reports",
    "lineofsight.region",
    "lineofsight.home",
    "lineofsight.operations",
    # After the product's apps, so that web/templates/admin/ overrides the admin's templates.
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out a session whose second factor an administrator has reset.
    "lineofsight.accounts.middleware.SecondFactorMiddleware",
    # Deny by default: every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Pages and downloads (children's records) are never cached: Cache-Control: no-store.
    "lineofsight.accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session 12 hours after sign-in however active; notes when each session was used.
    "lineofsight.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Each worker process keeps what cannot change within a snapshot (the improvement board's cards,
# indicators.selectors) in its own memory: no cache server to run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lineofsight",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 300},
    }
}

ROOT_URLCONF = "lineofsight.urls"
WSGI_APPLICATION = "lineofsight.wsgi.application"

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
                "lineofsight.web.context_processors.council",
                "lineofsight.home.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lineofsight.sqlite3'}"),
        conn_max_age=60,
    )
}
# Regional benchmarking (docs/region.md): the council's key for pseudonymising pooled extracts
# (made at the first export; "" means VAR_DIR / "pooling_key"), and the folder of pooled
# extracts, one per council, that the regional page reads.
POOLING_KEY_FILE = env("LINEOFSIGHT_POOLING_KEY_FILE", "")
REGION_DIR = env("LINEOFSIGHT_REGION_DIR", "")
# Long work started from pages waits in the database for the worker (docs/operations.md): no
# queue server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Minutes without a heartbeat after which the worker doing a run counts as dead, the run failed.
INTAKE_WORKER_STALE_MINUTES = env_int("LINEOFSIGHT_WORKER_STALE_MINUTES", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets pages read while another request writes (every page that names a
    # child writes to the access log), and a writer waits for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

# Sessions end after a period without activity: each request pushes the expiry forward.
SESSION_IDLE_MINUTES = env_int("LINEOFSIGHT_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Every session ends this long after sign-in however active (accounts SessionLifetimeMiddleware).
SESSION_ABSOLUTE_SECONDS = env_int("LINEOFSIGHT_SESSION_ABSOLUTE_HOURS", 12) * 3600
# Reverse proxies in front of the service (the documented nginx: 1). 0: the connection's address.
TRUSTED_PROXY_COUNT = env_int("LINEOFSIGHT_TRUSTED_PROXY_COUNT", 0)
# Sign-in attempts are kept this many days; `lineofsight purge` removes older ones.
SIGNIN_ATTEMPT_DAYS = env_int("LINEOFSIGHT_SIGNIN_ATTEMPT_DAYS", 365)

SIGNIN_MAX_FAILURES = env_int("LINEOFSIGHT_SIGNIN_MAX_FAILURES", 5)
# A code from an authenticator app (or a recovery code) after the password: always for
# administrators; for everyone else unless the council has another control (accounts.second_factor).
REQUIRE_SECOND_FACTOR = env_bool("LINEOFSIGHT_REQUIRE_SECOND_FACTOR", True)
OTP_TOTP_ISSUER = "Line of Sight"
SIGNIN_LOCKOUT_MINUTES = env_int("LINEOFSIGHT_SIGNIN_LOCKOUT_MINUTES", 15)
# Sign-in with the council's Microsoft Entra ID (accounts.oidc, docs/single-sign-on.md): on only
# when LINEOFSIGHT_OIDC_TENANT_ID, _CLIENT_ID and _CLIENT_SECRET are all set (some but not all is
# refused). Adds the OIDC_* settings and the backend after Django's own.
OIDC = oidc_settings(env)
globals().update(OIDC)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only production collects static files; elsewhere they are served from the apps.
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, static files are served straight from the apps: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

COUNCIL_NAME = env("LINEOFSIGHT_COUNCIL_NAME", "Northmoor Council (demonstration)")
COUNCIL_CODE = env("LINEOFSIGHT_COUNCIL_CODE", "891")
# Must contrast with white text at 4.5:1 or more (WCAG 2.2 AA).
COUNCIL_COLOUR = env("LINEOFSIGHT_COUNCIL_COLOUR", "#1d4e60")
# The practice themes vocabulary (YAML); empty means the product's default list.
THEMES_FILE = env("LINEOFSIGHT_THEMES_FILE", "")
# The framework for practice first adopted (YAML); empty means the example framework.
FRAMEWORK_FILE = env("LINEOFSIGHT_FRAMEWORK_FILE", "")
# The council's one-to-one supervision policy (YAML); empty means the product's policy.
SUPERVISION_POLICY_FILE = env("LINEOFSIGHT_SUPERVISION_POLICY_FILE", "")
# The early careers programme's stages and protected caseload share (YAML); empty: the product's.
EARLY_CAREERS_PROGRAMME_FILE = env("LINEOFSIGHT_EARLY_CAREERS_PROGRAMME_FILE", "")
# The staff health check's standards, statements, scale and bands (YAML); empty: the product's.
HEALTHCHECK_ITEMS_FILE = env("LINEOFSIGHT_HEALTHCHECK_ITEMS_FILE", "")
# A social worker holding more children than this counts in caseload_over_threshold_pct.
CASELOAD_THRESHOLD = env_int("LINEOFSIGHT_CASELOAD_THRESHOLD", 20)
# Processes that check case notes at import (lineofsight/recording/derive.py); 0: the default.
RECORDING_CHECK_WORKERS = env_int("LINEOFSIGHT_RECORDING_CHECK_WORKERS", 0) or None
# Practice week analysis: a theme seen in at least HIGH_SHARE of the teams visited reads "in a high
# number of teams"; below LOW_SHARE, "in a small number of teams"; between them, "in some teams".
PRACTICE_WEEK_HIGH_SHARE = float(env("LINEOFSIGHT_PRACTICE_WEEK_HIGH_SHARE", "0.5"))
PRACTICE_WEEK_LOW_SHARE = float(env("LINEOFSIGHT_PRACTICE_WEEK_LOW_SHARE", "0.25"))
# One-time feedback links: how long a link works, and how many requests with a link that does not
# work (unknown, used or expired) one address may make in the window before it is refused.
FEEDBACK_LINK_DAYS = env_int("LINEOFSIGHT_FEEDBACK_LINK_DAYS", 14)
FEEDBACK_LINK_MAX_FAILURES = env_int("LINEOFSIGHT_FEEDBACK_LINK_MAX_FAILURES", 10)
FEEDBACK_LINK_WINDOW_MINUTES = env_int("LINEOFSIGHT_FEEDBACK_LINK_WINDOW_MINUTES", 10)
# --- safeguarding concerns (concerns app) ---
# Hours, counted on working days only, to respond to a safeguarding concern before it is escalated
# to the next manager up (an audit programme's own "hours to respond" applies to its audits).
CONCERN_RESPONSE_HOURS = env_int("LINEOFSIGHT_CONCERN_RESPONSE_HOURS", 24)
# The address of the service as its users reach it, for the links in emails.
SITE_URL = env("LINEOFSIGHT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Email: written to the console (the server's log) unless LINEOFSIGHT_EMAIL_BACKEND is "smtp".
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env("LINEOFSIGHT_EMAIL_BACKEND", "console").strip()
if _email_backend not in _EMAIL_BACKENDS and "." not in _email_backend:
    raise ValueError(
        f"LINEOFSIGHT_EMAIL_BACKEND must be console, smtp or a backend's dotted path, "
        f"not {_email_backend!r}"
    )
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_HOST = env("LINEOFSIGHT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LINEOFSIGHT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("LINEOFSIGHT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("LINEOFSIGHT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LINEOFSIGHT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LINEOFSIGHT_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("LINEOFSIGHT_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("LINEOFSIGHT_EMAIL_FROM", "Line of Sight <line-of-sight@localhost>")
# --- end safeguarding concerns ---

SNAPSHOT_DIR = VAR_DIR / "snapshots"
SNAPSHOT_RETENTION = env_int("LINEOFSIGHT_SNAPSHOT_RETENTION", 12)
# Retention (lineofsight purge, docs/operations.md "Retention"): days an access log entry is kept
# (2557, seven years: a common council retention for audit of access to children's records), days
# an import validation report is kept, and days an abandoned upload or import work folder is kept.
ACCESS_LOG_DAYS = env_int("LINEOFSIGHT_ACCESS_LOG_DAYS", 2557)
IMPORT_REPORT_DAYS = env_int("LINEOFSIGHT_IMPORT_REPORT_DAYS", 365)
UPLOAD_DAYS = env_int("LINEOFSIGHT_UPLOAD_DAYS", 2)
# Committee report downloads the worker prepared are kept (and may be downloaded) this long, then
# removed by `lineofsight purge`.
REPORT_EXPORT_HOURS = env_int("LINEOFSIGHT_REPORT_EXPORT_HOURS", 24)
# The worker's finished (succeeded or failed) tasks are kept this many days, then removed by
# `lineofsight purge`; a task waiting or running is never removed.
TASK_RESULT_DAYS = env_int("LINEOFSIGHT_TASK_RESULT_DAYS", 30)
# DuckDB's memory ceiling for one import: it spills to disk beyond it rather than fail.
INTAKE_DUCKDB_MEMORY_LIMIT = env("LINEOFSIGHT_IMPORT_MEMORY_LIMIT", "1GB")
INTAKE_UPLOAD_MAX_BYTES = env_int("LINEOFSIGHT_UPLOAD_MAX_MB", 1024) * 1024 * 1024
INTAKE_UNZIPPED_MAX_BYTES = env_int("LINEOFSIGHT_UNZIPPED_MAX_MB", 8192) * 1024 * 1024
# Zip bombs (intake.archive): members in one zip, one member unpacked, how many times larger than
# its packed size a member may unpack to, and one part of an .xlsx workbook unpacked.
INTAKE_ZIP_MAX_FILES = env_int("LINEOFSIGHT_ZIP_MAX_FILES", 500)
INTAKE_UNZIPPED_FILE_MAX_BYTES = env_int("LINEOFSIGHT_UNZIPPED_FILE_MAX_MB", 4096) * 1024 * 1024
INTAKE_ZIP_MAX_RATIO = env_int("LINEOFSIGHT_ZIP_MAX_RATIO", 200)
INTAKE_WORKBOOK_PART_MAX_BYTES = env_int("LINEOFSIGHT_WORKBOOK_PART_MAX_MB", 1024) * 1024 * 1024
# How text files without a byte-order mark are read (intake.encodings): "utf-8", or
# "windows-1252" for a case system that writes it. A byte-order mark always wins.
IMPORT_TEXT_ENCODING = env("LINEOFSIGHT_IMPORT_TEXT_ENCODING", "utf-8").strip().lower()
if IMPORT_TEXT_ENCODING not in ("utf-8", "windows-1252"):
    raise ImproperlyConfigured(
        "LINEOFSIGHT_IMPORT_TEXT_ENCODING must be utf-8 or windows-1252, not "
        f"{IMPORT_TEXT_ENCODING!r}."
    )
# The import quality gate (intake.gate): the largest fall in a table's rows, in percent; and how
# far an indicator's latest value may move, in percent of its value and (at least) in its unit.
INTAKE_MAX_ROW_FALL_PCT = env_int("LINEOFSIGHT_IMPORT_MAX_ROW_FALL", 20)
INTAKE_MAX_FIGURE_CHANGE_PCT = env_int("LINEOFSIGHT_IMPORT_MAX_FIGURE_CHANGE", 25)
INTAKE_MIN_FIGURE_CHANGE = env_int("LINEOFSIGHT_IMPORT_MIN_FIGURE_CHANGE", 5)
# Uploads of children's data wait under the data directory, never in the shared /tmp.
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)

# Content security policy: nothing from outside the service, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browsers apply form-action to the redirects after a form, so the sign-out form may lead on to
# the council's identity provider when single sign-on is on.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += csp_form_action(OIDC)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix keeps the cookies to this host name (browsers insist on Secure and
    # Path=/ with it, so only in production, behind TLS).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("LINEOFSIGHT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LINEOFSIGHT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    env_bool("LINEOFSIGHT_SSL_REDIRECT", True)
    env_int("LINEOFSIGHT_HSTS_SECONDS", 31536000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LINEOFSIGHT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
