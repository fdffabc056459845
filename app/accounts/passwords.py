"""Password hashing (argon2id) and signed password links."""

import hashlib
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# OWASP's Password Storage Cheat Sheet: argon2id with 19 MiB, 2 iterations, 1 lane. A login
# costs about 20 ms of one core here (argon2-cffi's defaults, 64 MiB and 4 lanes, took 140–170
# ms of both cores); older hashes are upgraded at the next login (needs_rehash).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("no account has this password")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Without a hash (no such account, or no password yet) a dummy hash is checked instead,
    so the answer takes as long either way and does not tell whether the account exists."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A link is valid for one purpose and only until the password changes: its fingerprint of
# the current hash no longer matches once the link has been used.
LINK_SALT = "granska.password-link"


def _fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:20]


def make_password_link_token(
    secret_key: str, user_id: int, password_hash: str | None, purpose: str
) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=LINK_SALT)
    return serializer.dumps({"u": user_id, "f": _fingerprint(password_hash), "p": purpose})


def read_password_link_token(secret_key: str, token: str, max_age_by_purpose: dict[str, int]):
    """Return (user_id, purpose, fingerprint) or None when the token is bad or too old."""
    serializer = URLSafeTimedSerializer(secret_key, salt=LINK_SALT)
    try:
        data = serializer.loads(token, max_age=max(max_age_by_purpose.values()))
        if not isinstance(data, dict) or data.get("p") not in max_age_by_purpose:
            return None
        serializer.loads(token, max_age=max_age_by_purpose[data["p"]])
    except (BadSignature, SignatureExpired):
        return None
    return data["u"], data["p"], data["f"]


def fingerprint_matches(password_hash: str | None, fingerprint: str) -> bool:
    return _fingerprint(password_hash) == fingerprint
