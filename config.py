"""Configuration from the environment, with safe defaults for development."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _default_database_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'khidma.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", _default_database_url())
    )
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))

    CONTENT_DIR = Path(os.environ.get("KHIDMA_CONTENT_DIR", str(BASE_DIR)))
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ar")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIME_ZONE", "Asia/Riyadh")
    LANGUAGES = ("ar", "en")

    # How many proxies in front of the app append to X-Forwarded-For (the TLS proxy: 1). Only
    # their entries are believed; with 0 the header is ignored, since any client can send it.
    PROXY_HOPS = os.environ.get("PROXY_HOPS", "0")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins to one account from one address; failures elsewhere do not lock it.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    VERIFY_LIMIT = os.environ.get("VERIFY_LIMIT", "30 per minute")  # public certificate checks
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")  # per API token
    # "Forgot password" requests: per address typed in the form (whatever the client: this
    # bounds the mail one mailbox can be sent), and per client address.
    RESET_LIMIT_PER_ACCOUNT = os.environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour")
    RESET_LIMIT_PER_ADDRESS = os.environ.get("RESET_LIMIT_PER_ADDRESS", "10 per hour")
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))

    # Uploads (CSV imports) are capped; Flask answers 413 beyond this.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
    MAX_REPLY_CHARS = int(os.environ.get("MAX_REPLY_CHARS", "5000"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "khidma@localhost")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Single sign-on with the company's OpenID Connect provider (app/auth/sso.py); off while
    # OIDC_ISSUER is empty. The provider must know <PUBLIC_BASE_URL>/auth/oidc/callback.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")  # on the sign-in button
    OIDC_CREATE_ACCOUNTS = _bool("OIDC_CREATE_ACCOUNTS", False)  # unknown e-mails become agents
    OIDC_ONLY = _bool("OIDC_ONLY", False)  # no password sign-in, except for admins
    OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))

    # A Learning Record Store that receives xAPI statements (off when no endpoint is set).
    XAPI_ENDPOINT = os.environ.get("XAPI_ENDPOINT")
    XAPI_KEY = os.environ.get("XAPI_KEY")
    XAPI_SECRET = os.environ.get("XAPI_SECRET")

    # Compile and bind the rubrics of the quizzes on offer when the app starts (each worker),
    # so that a worker's first role-play answer is graded as fast as the next ones.
    RUBRIC_WARMUP = _bool("RUBRIC_WARMUP", True)

    # A page's ETag (app/page_cache/pages.py) turns over at least this often, whatever the
    # change counters say: it bounds what they do not see and keeps form tokens fresh.
    PAGE_ETAG_SECONDS = float(os.environ.get("PAGE_ETAG_SECONDS", "60"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # A development key is only acceptable because this config never serves real users.
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    RUBRIC_WARMUP = False  # a test that needs it creates its own app
    # One ETag window for the whole run: a test's two requests never straddle a turn-over
    # (a test of the window sets its own).
    PAGE_ETAG_SECONDS = 2**62
    # Cheap hashing keeps the suite fast; production uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


CONFIGS = {"production": Config, "development": DevelopmentConfig, "test": TestConfig}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("KHIDMA_ENV", "production")]
