"""The canonical form of a frozen dataset, and its digest.

Canonical JSON: keys sorted, no whitespace, UTF-8, every number written as a string with a fixed
number of decimals (two for reported values, four for key figures and project figures), times
as UTC ISO 8601 with a Z. The same data gives the same bytes on SQLite and PostgreSQL, on any
machine, so the same digest.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

FORMAT = "granska-dataset/1"
TWO, FOUR = Decimal("0.01"), Decimal("0.0001")


def number(value: Decimal | int | float | None, places: Decimal = TWO) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(places), "f")


def moment(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def canonical_bytes(snapshot: dict) -> bytes:
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
