from flask import Blueprint

bp = Blueprint("datasets", __name__)
