"""The JSON API (/api/v1): personal tokens, the same services and workflow as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("tokens", __name__)
