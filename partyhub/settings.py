"""partyhub settings, read from the environment.

One file, as healthchecks keeps it. With nothing set, partyhub runs on the embedded
default: SQLite and a Celery broker in a local folder, so `make run` works anywhere.
A deployment sets DATABASE_URL (PostgreSQL), REDIS_URL, EMAIL_URL, SECRET_KEY and
ALLOWED_HOSTS. DEBUG is off unless it is set.
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key(path: Path) -> str:
    """A key of this checkout's own, made on first run and kept in var/ (ignored by
    git): a key written in the source would sign every developer's links alike."""
    import secrets

    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key + "\n")
        path.chmod(0o600)
    return key


# No default key outside DEBUG: a deployment that forgets it must not start.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key(
        VAR_DIR / "secret_key"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "partyhub.admin_config.PartyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_htmx",
    "template_partials",
    # The project package itself: its management commands and Celery tasks.
    "partyhub",
    "partyhub.accounts",
    "partyhub.audit",
    "partyhub.comms",
    "partyhub.personal_data",
    "partyhub.dataprotection",
    "members",
    "supporters",
    "campaigns",
    "events",
    "networks",
    "finance",
    "canvassing",
    "governance",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "partyhub.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its process_exception runs first: a GET cut off from the database
    # runs once more on a new connection.
    "partyhub.middleware.RetryDroppedConnectionMiddleware",
]

ROOT_URLCONF = "partyhub.urls"
WSGI_APPLICATION = "partyhub.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# PostgreSQL in production and tests; SQLite when DATABASE_URL is unset.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and the shared cache --------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took but never acknowledged (it died) comes back after
        # this long. Work is claimed in the database, so redelivery is harmless.
        "visibility_timeout": 900,
    }
else:
    # Embedded default: kombu's filesystem transport in a local folder, so a real
    # worker and beat run with no server. Not eager mode.
    _broker_dir = VAR_DIR / "celery-broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None

CELERY_TIMEZONE = "Europe/London"
# Lets a deployment (or a test's worker) use its own queue on a shared Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# allauth's rate limits need a cache every web process shares: Redis when configured.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=REDIS_URL or "locmemcache://partyhub")
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A hung Redis must not hold a web worker: give up after a second, and the page
    # falls back (partyhub.ratelimit) or says "try again in a minute" (503).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

# --- Email ------------------------------------------------------------------------
# Console in development; SMTP (smtp://, smtp+tls://) or an ESP in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update({k: v for k, v in EMAIL_CONFIG.items() if v not in (None, "")})
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="partyhub <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds to wait for the mail server to connect, greet or answer any one command
# (smtplib applies it to the connect and to every read and write): a hung server
# then counts as down instead of holding a worker for the length of the hang.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Communications -------------------------------------------------------------
COMMS_FROM_ADDRESS = env.str("COMMS_FROM_ADDRESS", default="noreply@partyhub.localhost")
# A worker's claim on a batch of deliveries. A live worker renews it every quarter
# of this while it sends; the beat tick frees a claim that was not renewed in time
# (a worker whose parent died with it). Keep it well above EMAIL_TIMEOUT.
COMMS_CLAIM_LEASE_SECONDS = env.int("COMMS_CLAIM_LEASE_SECONDS", default=60)
# While the mail server is unreachable, sending is paused and retried with backoff
# from 30 seconds up to this interval, for as long as the outage lasts.
COMMS_SMTP_RETRY_MAX_SECONDS = env.int("COMMS_SMTP_RETRY_MAX_SECONDS", default=1800)
COMMS_SEND_TASK_SECONDS = env.int("COMMS_SEND_TASK_SECONDS", default=50)
COMMS_SEND_PARALLELISM = env.int("COMMS_SEND_PARALLELISM", default=2)
# SMTP connections one batch sends over at once (threads in the worker): one
# connection to a local relay carries about 370 messages a second.
COMMS_SMTP_CONNECTIONS = env.int("COMMS_SMTP_CONNECTIONS", default=1)
# Unsubscribe and preference links in emails keep working this long.
COMMS_LINK_MAX_AGE_SECONDS = env.int(
    "COMMS_LINK_MAX_AGE_SECONDS", default=60 * 60 * 24 * 365
)

# --- Members -----------------------------------------------------------------------
# Where a member in arrears renews: the national party's site.
NATIONAL_RENEWAL_URL = env.str(
    "NATIONAL_RENEWAL_URL", default="https://join.labour.org.uk/"
)

# --- Supporters ---------------------------------------------------------------------
# The public signup form's abuse limits (a flood of bot posts confirms nobody).
SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR = env.int(
    "SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR", default=10
)
# Posts sooner than this after the form was served are treated as bots.
SUPPORTERS_MIN_FILL_SECONDS = env.int("SUPPORTERS_MIN_FILL_SECONDS", default=3)
# A public form's "served at" stamp (single use) is accepted for this long.
BOT_TRAP_MAX_AGE_SECONDS = env.int("BOT_TRAP_MAX_AGE_SECONDS", default=60 * 60 * 24)
# At most one confirmation email per address in this window.
SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS = env.int(
    "SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS", default=60 * 60
)
# The confirmation link works this long.
SUPPORTERS_CONFIRM_MAX_AGE_SECONDS = env.int(
    "SUPPORTERS_CONFIRM_MAX_AGE_SECONDS", default=60 * 60 * 24 * 7
)
# Unconfirmed signups are purged after this many days.
SUPPORTERS_UNCONFIRMED_RETENTION_DAYS = env.int(
    "SUPPORTERS_UNCONFIRMED_RETENTION_DAYS", default=30
)

# --- Finance (PPERA) ----------------------------------------------------------------
# Money is Decimal everywhere; these are the thresholds in force for an accounting
# unit (Electoral Commission, from 1 January 2024). Check them when the law changes.
# A donation over this value must be checked for permissibility before acceptance
# (at or below it, it is not a "donation" under PPERA and is not aggregated).
FINANCE_PERMISSIBILITY_THRESHOLD = Decimal(
    env.str("FINANCE_PERMISSIBILITY_THRESHOLD", default="500.00")
)
# An accounting unit reports donations over this, and donations from one source
# that add up to more than this in a calendar year.
FINANCE_REPORTING_THRESHOLD = Decimal(
    env.str("FINANCE_REPORTING_THRESHOLD", default="2230.00")
)
# A donation must be accepted or returned within this many days of receipt.
FINANCE_DECISION_DAYS = env.int("FINANCE_DECISION_DAYS", default=30)
# Small society lotteries (Gambling Act 2005, schedule 11): registered with the
# local authority; tickets only to people this old; at least this share of the
# proceeds to the society's purposes; caps per lottery; the return to the council
# is due within this many months of the draw.
FINANCE_LOTTERY_MIN_AGE = env.int("FINANCE_LOTTERY_MIN_AGE", default=16)
FINANCE_LOTTERY_MIN_PURPOSES_PERCENT = Decimal(
    env.str("FINANCE_LOTTERY_MIN_PURPOSES_PERCENT", default="20")
)
FINANCE_LOTTERY_MAX_PRIZE = Decimal(
    env.str("FINANCE_LOTTERY_MAX_PRIZE", default="25000.00")
)
FINANCE_LOTTERY_MAX_PROCEEDS = Decimal(
    env.str("FINANCE_LOTTERY_MAX_PROCEEDS", default="50000.00")
)
FINANCE_LOTTERY_RETURN_MONTHS = env.int("FINANCE_LOTTERY_RETURN_MONTHS", default=3)

# --- Events ------------------------------------------------------------------------
# Places (a booking and its guests) booked from one address per hour on public
# event pages, then a polite refusal.
EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR = env.int(
    "EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR", default=20
)

# --- Campaigns ---------------------------------------------------------------------
# Street-watch photos with more pixels than this are refused before decoding.
CAMPAIGNS_STREET_PHOTO_MAX_PIXELS = env.int(
    "CAMPAIGNS_STREET_PHOTO_MAX_PIXELS", default=40_000_000
)

# --- Accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Admin rights come from the offices a person holds today.
    "members.backends.OfficeBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "partyhub.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[partyhub] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Behind a load balancer or proxy, how many of them add to X-Forwarded-For: the
# per-IP rate limits (login, signup form) then see the visitor, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# One address per login; a new address replaces the old only once it is verified.
ACCOUNT_CHANGE_EMAIL = True
# Tell people by email when their password or address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Two-factor: an authenticator app and recovery codes. Officers must set it up
# before the admin opens (partyhub.admin_site); nobody may remove it while in office.
MFA_ADAPTER = "partyhub.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The code fields ask phones for the number pad (inputmode="numeric").
MFA_FORMS = {
    "authenticate": "partyhub.accounts.forms.AuthenticateForm",
    "reauthenticate": "partyhub.accounts.forms.ReauthenticateForm",
    "activate_totp": "partyhub.accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="partyhub")
# Claiming an account the party already knows (partyhub.accounts.services).
ACCOUNTS_CLAIM_LINK_MAX_AGE = 24 * 60 * 60
ACCOUNTS_CLAIMS_PER_IP_PER_HOUR = env.int("ACCOUNTS_CLAIMS_PER_IP_PER_HOUR", default=20)
ACCOUNTS_CLAIMS_PER_ADDRESS_PER_HOUR = 3

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# partyhub.locks.hold(): how long work waits for someone else's lock on the same
# thing (an import, a signup address) before saying "try again".
LOCK_TIMEOUT_SECONDS = env.float("LOCK_TIMEOUT_SECONDS", default=10.0)

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# "A new member": joined (or rejoined) in the last this many days — the desk's
# lists and welcome mail, mentoring, the import's welcome, the door list's flag.
NEW_MEMBER_DAYS = env.int("NEW_MEMBER_DAYS", default=30)
# Uploaded national membership files wait here between the preview and Apply (a
# day at most). With several web servers this must be storage they all share.
MEMBER_IMPORT_DIR = env.path("MEMBER_IMPORT_DIR", default=VAR_DIR / "imports")
# A national membership file larger than this is refused before it is read.
MEMBER_IMPORT_MAX_BYTES = env.int("MEMBER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Uploaded supporters lists wait here for their check and apply tasks (a day at most).
SUPPORTER_IMPORT_DIR = env.path(
    "SUPPORTER_IMPORT_DIR", default=VAR_DIR / "supporter-imports"
)
# PDFs draw names beyond Western European letters in a Unicode TrueType font:
# DejaVu Sans from the system (Debian: fonts-dejavu-core) unless these name one.
PDF_UNICODE_FONT_PATH = env.str("PDF_UNICODE_FONT_PATH", default="")
PDF_UNICODE_FONT_BOLD_PATH = env.str("PDF_UNICODE_FONT_BOLD_PATH", default="")

# --- Security -----------------------------------------------------------------------
# Safe by default; development over plain http relaxes only what it must.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# A strict policy: everything from our own origin, no inline scripts anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
