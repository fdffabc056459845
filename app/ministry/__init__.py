"""The ministries' view: a ministry's own agencies side by side, and per agency a briefing for
the yearly dialogue, from published cycles only."""

from flask import Blueprint

bp = Blueprint("ministry", __name__)
