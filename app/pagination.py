from flask import request

from app.extensions import db


def paginate(statement, per_page: int):
    """One page of a select, the page number from ?page= (bad values fall back to 1)."""
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
