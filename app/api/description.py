"""The OpenAPI description, as JSON and as a page of its own (no CDN, no script)."""

from flask import jsonify, render_template, url_for

from app.api import bp
from app.api.spec import openapi


def _server_url() -> str:
    return url_for("api.openapi_json", _external=True).rsplit("/", 1)[0]


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi(_server_url()))


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi(_server_url()))
