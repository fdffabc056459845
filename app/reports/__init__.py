"""Analysis of a cycle's dataset, charts, and PDF reports."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
