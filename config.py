"""Settings, read from environment variables (and an optional .env file).

Development needs no settings at all: the database is a SQLite file under instance/ and a
secret key is generated once and kept there. Production (GRANSKA_ENV=production) refuses to
start without an explicit SECRET_KEY.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_dir() -> Path:
    path = Path(os.environ.get("GRANSKA_INSTANCE_DIR", BASE_DIR / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _development_secret_key() -> str:
    key_file = instance_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class MissingSecretKey(RuntimeError):
    pass


def _usable_cores() -> int:
    """The cores this process may run on (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Config:
    ENV = os.environ.get("GRANSKA_ENV", "development")
    PRODUCTION = ENV == "production"

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{instance_dir() / 'granska.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    # Where generated report archives are kept (one zip per batch of all agencies' reports).
    REPORTS_DIR = os.environ.get("REPORTS_DIR", str(instance_dir() / "reports"))
    # Processes that lay out a batch's reports side by side (WeasyPrint uses one core each);
    # they run at a lower priority than the web server. 1 builds them in the scheduler itself.
    REPORT_WORKERS = int(os.environ.get("REPORT_WORKERS", str(_usable_cores())))

    SECRET_KEY = os.environ.get("SECRET_KEY")

    # Links in e-mails are built from this, never from the request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")

    # The authority that publishes the open data, as the DCAT-AP-SE catalogue names it.
    PUBLISHER_NAME = os.environ.get("PUBLISHER_NAME", "Ekonomistyrningsverket")
    PUBLISHER_URI = os.environ.get("PUBLISHER_URI", "https://www.esv.se/")
    PUBLISHER_EMAIL = os.environ.get("PUBLISHER_EMAIL", "registrator@esv.se")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    # A password reset request is answered no sooner than this, whether or not the account
    # exists, so the time the link takes to mail does not tell (ASVS V6.3.8).
    PASSWORD_RESET_ANSWER_SECONDS = float(os.environ.get("PASSWORD_RESET_ANSWER_SECONDS", "0.5"))
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = _bool("MAIL_USE_STARTTLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Granska <granska@localhost>")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))

    TIMEZONE = "Europe/Stockholm"
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    PASSWORD_RESET_MAX_AGE_SECONDS = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
    PASSWORD_MIN_LENGTH = 12
    # Administrators and reviewers must set up two-factor authentication before they work.
    REQUIRE_2FA_FOR_STAFF = _bool("REQUIRE_2FA_FOR_STAFF", PRODUCTION)

    # Login attempts; a shared store (redis://…) is needed with several workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PRODUCTION
    REMEMBER_COOKIE_SECURE = PRODUCTION
    SESSION_PROTECTION = "strong"
    # The __Host- prefix binds the cookie to this host over HTTPS (ASVS V3.3.1).
    SESSION_COOKIE_NAME = "__Host-session" if PRODUCTION else "session"
    REMEMBER_COOKIE_DURATION = 0  # no remember-me: a login lasts one session
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Host headers the app answers to (others get 400): PUBLIC_URL's host, and locally
    # localhost. Links in mail are built from PUBLIC_URL, never from the Host header.
    TRUSTED_HOSTS = [
        host.strip()
        for host in os.environ.get(
            "TRUSTED_HOSTS", f"{urlsplit(PUBLIC_URL).hostname},localhost,127.0.0.1"
        ).split(",")
        if host.strip()
    ]
    # Behind N reverse proxies, trust N X-Forwarded-* hops and no more (0: trust none).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    JSON_LOGS = _bool("JSON_LOGS")  # on in production anyway

    # A change against last year's approved value beyond this share is a warning to explain.
    PLAUSIBILITY_CHANGE_THRESHOLD = os.environ.get("PLAUSIBILITY_CHANGE_THRESHOLD", "0.30")

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(5 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    @classmethod
    def finalise(cls, settings: dict) -> None:
        """Fill in the secret key, refusing to run production without one."""
        if settings.get("SECRET_KEY"):
            return
        if settings.get("PRODUCTION"):
            raise MissingSecretKey("SECRET_KEY must be set when GRANSKA_ENV=production")
        settings["SECRET_KEY"] = _development_secret_key()
