"""Settings for the CIL portal.

Every environment-dependent value is read here through django-environ with a typed default,
so the same code runs in development, tests and production. A bad value fails at start.
"""

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cil.filestore import default_storage_config
from cil.identity import (
    parse_local_login,
    parse_oidc_providers,
    parse_saml_providers,
    provider_origins,
    read_sp_credentials,
)

# openpyxl (the Excel exports) switches to lxml when it is installed, as it is for SAML; its
# output then differs (a carriage return in a cell is kept as such rather than read back as a
# line feed). Keep the exports as they were: openpyxl's own XML. Set before openpyxl loads.
os.environ.setdefault("OPENPYXL_LXML", "False")

# Lets the code write the type arguments mypy checks (forms.ModelForm[Session]) in class bases.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: a fixed, clearly marked key so sessions survive restarts.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  # nosec B105 - development only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The public address: every link in mail is built from it (never from the Host header).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "cil",
    "activities",
    "portfolio",
    "certificates",
    "retention",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.usersessions",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
]

MIDDLEWARE = [
    # First, so every line logged while serving a request carries its id (cil/logs.py).
    "cil.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that answers for a signed-in user, so it sees every such response.
    "cil.sessions.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cil.sessions.SessionLimitsMiddleware",
    # Deny by default: every view needs a signed-in user unless marked login_not_required,
    # and then the access policy (cil/policy.py) decides what that user may open.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cil.policy.AccessPolicyMiddleware",
    # Asks a signed-in person to accept the current privacy notice, if they have not yet.
    "cil.privacy.PrivacyNoticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Last, as django-axes asks, so it sees the final response of a login attempt.
    "axes.middleware.AxesMiddleware",
]

# Several app servers behind one proxy: each may name itself in an X-CIL-Instance header on
# every response (cil/instance.py). Off unless set; the name tells the servers apart, no more.
CIL_INSTANCE_NAME = env.str("CIL_INSTANCE_NAME", default="")
if CIL_INSTANCE_NAME:
    MIDDLEWARE.insert(0, "cil.instance.InstanceHeaderMiddleware")

ROOT_URLCONF = "cil.urls"
WSGI_APPLICATION = "cil.wsgi.application"

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
                "cil.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # PostgreSQL plans every statement it is sent; most of a page's queries are the same few
    # statements with other values. Bound on the server (not spelled out by the client), each
    # is prepared on its fifth use on a connection and its plan kept (psycopg's
    # prepare_threshold): the database's work for the student home fell from about 1.8 to
    # 0.75 ms (docs/performance.md). Needs connections that live past a request
    # (DATABASE_CONN_MAX_AGE) to pay off; turn it off (DATABASE_PREPARED_STATEMENTS=false)
    # behind a pooler in transaction mode that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache is a database table, shared by every server process (allauth's rate limits
# live there); a deployment may point CACHE_URL at Redis or Memcached instead.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://cil_cache")}
# Django's own database cache counts (incr) by reading and writing back, so two requests at
# once count as one; ours locks the row, which the public pages' rate limit relies on.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["default"]["BACKEND"] = "cil.cache.DatabaseCache"
    # Django keeps 300 entries in a database cache and, past that, drops a third of them, the
    # lowest keys first: the rate limits' counters ("rl:…"). One list of upcoming sessions per
    # programme is already more than 300 at national scale. Expired entries go first when the
    # table is full, and the counters clear their own (cil/cache.py). CACHE_URL can say
    # otherwise (dbcache://cil_cache?MAX_ENTRIES=…).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)

# Background work (mail now; bulk diplomas later) goes through django-tasks. The default keeps
# tasks in the database for `manage.py db_worker`, so no request waits for a mail server and
# nothing is lost when a process stops. The suite runs tasks immediately, in the same process.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

AUTH_USER_MODEL = "cil.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so a locked-out account is refused before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# --- Accounts (django-allauth) -------------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "cil.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_ADAPTER = "cil.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CIL] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Sign-up can be limited to the institution's own e-mail domains, e.g. "oslomet.no,lu.se".
CIL_SIGNUP_EMAIL_DOMAINS = [
    d.lower().lstrip("@") for d in env.list("CIL_SIGNUP_EMAIL_DOMAINS", default=[])
]

# Who may assign programme roles (administrator, reviewer) under Resource groups: superusers
# always; central staff only where the institution says so. Nobody assigns a role to themselves.
CIL_CENTRAL_STAFF_ASSIGN_ROLES = env.bool("CIL_CENTRAL_STAFF_ASSIGN_ROLES", default=False)

# --- Institutional sign-in (OpenID Connect, allauth.socialaccount) ---------------------------
# One or more identity providers (Feide, …) as JSON; cil/identity.py describes the format and
# README.md has a commented example. Without any, the sign-in page is as before.
CIL_OIDC_PROVIDERS = parse_oidc_providers(env.str("CIL_OIDC_PROVIDERS", default=""), env.ENVIRON)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [provider.allauth_app() for provider in CIL_OIDC_PROVIDERS],
    },
}
# SAML 2.0 identity providers (SWAMID, eduGAIN) as JSON, the same way (cil/identity.py,
# README.md). The portal's entity id towards each is its metadata address under SITE_URL.
CIL_SAML_PROVIDERS = parse_saml_providers(
    env.str("CIL_SAML_PROVIDERS", default=""), [p.id for p in CIL_OIDC_PROVIDERS]
)
# The portal's own key and certificate, to sign its requests (optional; PEM files).
_saml_sp_key, _saml_sp_cert = read_sp_credentials(
    env.str("CIL_SAML_SP_KEY_FILE", default=""), env.str("CIL_SAML_SP_CERT_FILE", default="")
)
SOCIALACCOUNT_PROVIDERS["saml"] = {
    "APPS": [p.allauth_app(SITE_URL, _saml_sp_key, _saml_sp_cert) for p in CIL_SAML_PROVIDERS],
}
SOCIALACCOUNT_ADAPTER = "cil.adapters.SocialAccountAdapter"
# An institutional login is keyed on the provider and its stable id (sub), never matched to an
# existing account by e-mail: e-mail reuse would hand one person's portfolio to another. A new
# login whose e-mail belongs to an account is refused (cil.adapters.SocialAccountAdapter); its
# owner signs in and links it from the account's page (docs/architecture.md).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Who may still sign in with a password: all (as before), staff (students sign in through
# their institution) or none.
CIL_LOCAL_LOGIN = parse_local_login(
    env.str("CIL_LOCAL_LOGIN", default="all"), [*CIL_OIDC_PROVIDERS, *CIL_SAML_PROVIDERS]
)
# How long a link that central staff record for a person's institutional login waits for that
# person's next sign-in (cil/institutional.py).
CIL_PENDING_LINK_DAYS = env.int("CIL_PENDING_LINK_DAYS", default=14)

# --- After graduation -----------------------------------------------------------------------
# The institutional login lapses soon after graduation. A student records a private address for
# after graduation (cil/graduation.py), confirmed by allauth's link; a diploma is issued only
# once it is confirmed (turn this off where accounts outlive graduation). With that address the
# graduate asks for a one-time sign-in link from the sign-in page (cil/signin_link.py), valid for
# CIL_SIGNIN_LINK_MINUTES; links are mailed at most CIL_SIGNIN_LINK_PER_ADDRESS_PER_HOUR times
# an hour to one address, and a client may ask CIL_SIGNIN_LINK_RATE_PER_MINUTE times a minute.
CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL = env.bool("CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL", default=True)
CIL_SIGNIN_LINK_MINUTES = env.int("CIL_SIGNIN_LINK_MINUTES", default=30)
CIL_SIGNIN_LINK_PER_ADDRESS_PER_HOUR = env.int("CIL_SIGNIN_LINK_PER_ADDRESS_PER_HOUR", default=3)
CIL_SIGNIN_LINK_RATE_PER_MINUTE = env.int("CIL_SIGNIN_LINK_RATE_PER_MINUTE", default=5)

# --- Lockout (django-axes) -----------------------------------------------------------------
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "cil.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Proxies, sessions and changes to an account -------------------------------------------
# Behind a proxy every request comes from the proxy's address. The client's own address is the
# N-th entry from the right of X-Forwarded-For, N being the number of proxies in front of the
# portal that append to it; the entries left of it are the client's to make up. One function,
# cil.ratelimit.client_ip, reads it for the portal's limits, django-axes and allauth.
CIL_TRUSTED_PROXY_COUNT = env.int(
    "DJANGO_TRUSTED_PROXY_COUNT", default=1 if env.bool("DJANGO_BEHIND_PROXY", default=False) else 0
)
if CIL_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT cannot be negative.")
AXES_CLIENT_IP_CALLABLE = "cil.ratelimit.client_ip"
# A session ends after this long without a request (cil.sessions.SessionLimitsMiddleware moves
# the expiry on while it is in use) and this long after signing in, however busy.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_HOURS", default=8) * 3600
CIL_SESSION_MAX_AGE = timedelta(days=env.int("DJANGO_SESSION_MAX_DAYS", default=14))
# Users see their sessions (allauth.usersessions records each sign-in) and sign out the others.
# Tracking activity adds "last seen" to the list, for two more queries on every signed-in page.
USERSESSIONS_TRACK_ACTIVITY = env.bool("CIL_TRACK_SESSION_ACTIVITY", default=False)
# Changing an e-mail address or the password needs the password given in the last minutes,
# the old address hears of every change, and can undo a new primary address for a while.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_MINUTES", default=5) * 60
ACCOUNT_EMAIL_NOTIFICATIONS = True
CIL_EMAIL_CHANGE_UNDO_HOURS = env.int("CIL_EMAIL_CHANGE_UNDO_HOURS", default=72)

# --- Per-account lockout and two-factor sign-in (allauth.mfa) -------------------------------
# django-axes (above) locks an account/address pair after a few failures. An attacker who
# rotates addresses is stopped by allauth's per-account limit on failed sign-ins: after
# CIL_ACCOUNT_FAILURE_LIMIT failures within the window, from any address, the account refuses
# every password until the window has passed. Its owner is mailed a single-use link that lifts
# the lock at once for their browser (cil/lockout.py), so nobody can keep them out on purpose.
# (axes cannot do this itself: it applies one failure limit to the largest of its counts, so
# adding "username" to AXES_LOCKOUT_PARAMETERS would lock the account after 5 failures.)
CIL_ACCOUNT_FAILURE_LIMIT = env.int("CIL_ACCOUNT_FAILURE_LIMIT", default=10)
CIL_ACCOUNT_FAILURE_WINDOW_MINUTES = env.int("CIL_ACCOUNT_FAILURE_WINDOW_MINUTES", default=60)
CIL_UNLOCK_LINK_HOURS = env.int("CIL_UNLOCK_LINK_HOURS", default=24)
# Each address added is sent a mail naming the account, so an account manages (adds, resends
# to) at most ten addresses a day.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{CIL_ACCOUNT_FAILURE_LIMIT}/{CIL_ACCOUNT_FAILURE_WINDOW_MINUTES}m/key",
    "manage_email": "10/m/user,10/d/user",
}
INSTALLED_APPS += ["allauth.mfa"]  # its key list uses django.contrib.humanize (installed above)
# Administrators, reviewers, central staff and superusers must set up a second factor before
# they can open anything else (cil/mfa.py); students may. Turning this off is for a
# deployment that enforces two factors at its own single sign-on instead.
CIL_MFA_REQUIRED_FOR_STAFF = env.bool("CIL_MFA_REQUIRED_FOR_STAFF", default=True)
MIDDLEWARE.insert(
    MIDDLEWARE.index("cil.policy.AccessPolicyMiddleware"), "cil.mfa.StaffSecondFactorMiddleware"
)
MFA_ADAPTER = "cil.adapters.MFAAdapter"
MFA_FORMS = {"add_webauthn": "cil.mfa.AddPasskeyForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys also sign in without a password (they verify the user on the device).
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="CIL portal")
# WebAuthn needs a secure context: https, or http://localhost in development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CIL portal <cil@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cil.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static and private media ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private files (evidence, diplomas) live outside static and are never served by URL:
# views stream them after a permission check. MEDIA_URL is deliberately unused.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads: every file goes to a temporary file on disk as it arrives (never whole into memory),
# and the handler stops reading once a file passes the per-file limit.
FILE_UPLOAD_HANDLERS = ["portfolio.uploads.LimitedTemporaryFileUploadHandler"]
CIL_UPLOAD_MAX_BYTES = env.int("CIL_UPLOAD_MAX_MB", default=20) * 1024 * 1024
CIL_STUDENT_QUOTA_BYTES = env.int("CIL_STUDENT_QUOTA_MB", default=300) * 1024 * 1024
# A file read back from S3 is copied into a temporary file, in memory up to this size and on
# disk above it, so a download holds at most this much of a file in memory.
CIL_STORAGE_SPOOL_BYTES = 2 * 1024 * 1024
# The file store: a private S3-compatible bucket when STORAGE_URL or AWS_STORAGE_BUCKET_NAME
# is set (format and options in cil/filestore.py and the README), else the folder MEDIA_ROOT.
# The keys are read by boto3 from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, never from here.
STORAGES = {
    "default": default_storage_config(env.ENVIRON, spool_bytes=CIL_STORAGE_SPOOL_BYTES),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Forms ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preload is on by default in production (check --deploy asks for it); an institution that
# cannot commit every subdomain to HTTPS sets DJANGO_HSTS_PRELOAD=false.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The portal uses no camera, microphone, location or payment API (a phone's photo upload is a
# file input, which needs none of them): no page, nor anything injected into one, may ask.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "geolocation": [],
    "microphone": [],
    "payment": [],
}

# Strict, nonce-based Content Security Policy: no inline script or style without the nonce,
# nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The institutional sign-in buttons lead on to the identity providers (cil/identity.py).
        "form-action": [SELF, *provider_origins([*CIL_OIDC_PROVIDERS, *CIL_SAML_PROVIDERS])],
        "frame-ancestors": [NONE],
    },
}

# --- Institution (shown on pages and, later, diplomas) -----------------------------------
CIL_INSTITUTION_NAME = env.str("CIL_INSTITUTION_NAME", default="Demo University")
# Diplomas: the logo is a file among the static files (never a URL: WeasyPrint fetches nothing);
# signatories as "Name, title" separated by semicolons.
CIL_INSTITUTION_LOGO = env.str("CIL_INSTITUTION_LOGO", default="img/logo.svg")
CIL_DIPLOMA_SIGNATORIES = [
    s.strip()
    for s in env.str(
        "CIL_DIPLOMA_SIGNATORIES",
        default="Ingrid Holm, Pro-Rector for Education; Jonas Berg, Head of Studies",
    ).split(";")
    if s.strip()
]
CIL_DIPLOMA_NUMBER_PREFIX = env.str("CIL_DIPLOMA_NUMBER_PREFIX", default="CIL")
# Revocation status list (certificates/status_list.py): verifiers and caches may keep a copy
# this many seconds (its ``ttl`` and Cache-Control max-age); a revocation shows within it.
CIL_STATUS_LIST_TTL = env.int("CIL_STATUS_LIST_TTL", default=300)
# Verifiable credentials (Open Badges 3.0, signed eddsa-rdfc-2022): the issuer's keys are files in
# this folder (current.pem and retired/), never in the database. The issuer is did:web:<host of
# SITE_URL>; its DID document is served at /.well-known/did.json. `make run` creates a demo key
# in the default folder (git ignores it); a deployment sets its own and runs vc_create_key.
CIL_VC_KEYS_DIR = env.path("CIL_VC_KEYS_DIR", default=BASE_DIR / "var" / "vc-keys")
# Public verification page: at most this many look-ups per minute from one address.
# Dashboards' charts are aggregations over years of data: computed at most this often per
# programme, filter and language (0: every time). The page says how old they are.
CIL_FIGURES_CACHE_SECONDS = env.int("CIL_FIGURES_CACHE_SECONDS", default=300)
CIL_VERIFY_RATE_PER_MINUTE = env.int("CIL_VERIFY_RATE_PER_MINUTE", default=30)
# Organisers' confirmation pages (a token in the address), per client address and minute.
CIL_ORGANISER_RATE_PER_MINUTE = env.int("CIL_ORGANISER_RATE_PER_MINUTE", default=20)
# A PDF someone sends to the verification page is read into memory (never stored) up to this
# size, and checked at most this many times per minute from one address.
CIL_VERIFY_UPLOAD_MAX_BYTES = env.int("CIL_VERIFY_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CIL_VERIFY_CHECK_RATE_PER_MINUTE = env.int("CIL_VERIFY_CHECK_RATE_PER_MINUTE", default=10)

# --- The institution's seal on diplomas (PAdES, certificates/seal.py) -------------------------
# A PKCS#12 file with the seal certificate and its key (and the chain up to the CA). Read once
# per process, never stored in the database, never logged. Unset: diplomas are issued unsigned
# (and administrators are told so). The password comes from CIL_SEAL_P12_PASSWORD, or from the
# file CIL_SEAL_P12_PASSWORD_FILE (a secret mounted as a file). With a timestamp authority
# (RFC 3161, CIL_SEAL_TSA_URL) the signatures are PAdES B-T, otherwise B-B.
CIL_SEAL_P12_FILE = env.str("CIL_SEAL_P12_FILE", default="")
CIL_SEAL_P12_PASSWORD = env.str("CIL_SEAL_P12_PASSWORD", default="")
CIL_SEAL_P12_PASSWORD_FILE = env.str("CIL_SEAL_P12_PASSWORD_FILE", default="")
CIL_SEAL_TSA_URL = env.str("CIL_SEAL_TSA_URL", default="")

# --- Retention and erasure (retention/) -----------------------------------------------------
# Months each kind of personal data is kept, until central staff choose otherwise on the
# retention page: evidence files after the diploma or withdrawal; portfolios of students who did
# nothing (no submitted activity, no final report, no diploma) after their last change; audit
# events; reminders sent; share links' view counts after the last view.
CIL_RETENTION_DEFAULTS = {
    "evidence": env.int("CIL_RETAIN_EVIDENCE_MONTHS", default=12),
    "idle_portfolio": env.int("CIL_RETAIN_IDLE_PORTFOLIO_MONTHS", default=36),
    "audit": env.int("CIL_RETAIN_AUDIT_MONTHS", default=60),
    "reminders": env.int("CIL_RETAIN_REMINDERS_MONTHS", default=12),
    "share_views": env.int("CIL_RETAIN_SHARE_VIEWS_MONTHS", default=12),
}
if any(months < 1 for months in CIL_RETENTION_DEFAULTS.values()):
    raise ImproperlyConfigured("CIL_RETAIN_*_MONTHS must be at least 1.")
# Whether erasing a student keeps their diploma register entry (what the diploma says, its
# number and status), so that the diploma still verifies; staff may choose otherwise per request.
CIL_ERASURE_KEEPS_DIPLOMA_REGISTER = env.bool("CIL_ERASURE_KEEPS_DIPLOMA_REGISTER", default=True)

# --- Operations: logs, health and metrics ---------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (cil/logs.py) for a log collector; "text" is
# for people. Either way each line carries the request id and the user id, never a name or an
# e-mail address.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "cil.logs.RequestContextFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "[request=%(request_id)s user=%(user_id)s] %(message)s"
        },
        "json": {"()": "cil.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each rendering step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # runserver's own line per request names the path, which may hold a token.
        "django.server": {"level": "WARNING"},
    },
}
# /healthz/ready and /metrics answer only monitoring: a bearer token (Authorization: Bearer ...)
# or a client address on the allow-list (addresses or networks, comma-separated). With
# neither set, both answer 404.
CIL_MONITORING_TOKEN = env.str("CIL_MONITORING_TOKEN", default="")
CIL_MONITORING_ALLOWED_IPS = env.list("CIL_MONITORING_ALLOWED_IPS", default=[])
for _network in CIL_MONITORING_ALLOWED_IPS:
    try:
        ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"CIL_MONITORING_ALLOWED_IPS: {_network!r} is not an address or network."
        ) from _error
# Ready means tasks get run: the oldest task waiting in the database queue may wait this long.
CIL_READY_MAX_TASK_AGE_SECONDS = env.int("CIL_READY_MAX_TASK_AGE_SECONDS", default=600)
# Prometheus metrics at /metrics (docs/deployment.md, "Monitoring"), off unless asked for.
CIL_METRICS = env.bool("CIL_METRICS", default=False)
# Each process adds its request latencies to the shared cache at most this often (cil/latency.py).
CIL_METRICS_FLUSH_SECONDS = env.int("CIL_METRICS_FLUSH_SECONDS", default=10)
