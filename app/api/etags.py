"""Entity tags for the resources a client changes with If-Match: a submission's is its version
counter; a project, which has no counter of its own, gets a digest of everything the API
shows of it, so any change to it (by a page, an upload or the API) changes its tag."""

import hashlib
import json
from typing import Any

from flask import request
from flask_babel import gettext as _

from app.api.problems import ApiProblem


def digest_etag(representation: dict[str, Any]) -> str:
    canonical = json.dumps(representation, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def require_if_match(current: str) -> None:
    """428 without If-Match, 412 unless one of its tags (or *) is the current one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ApiProblem(428, "if_match_required", _("Send If-Match with the version you read."))
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" not in tags and current not in tags:
        raise ApiProblem(412, "stale", _("Someone changed it since you read it."))
