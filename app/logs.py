"""Structured logs: one JSON object per line on stderr, with the request id, so an error a
user reports (the id is on the error page) is found in the log with its stack trace."""

import json
import logging
import sys
import traceback

from flask import g, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            # json.dumps escapes line breaks, so no text can forge a log line of its own.
            "message": record.getMessage(),
        }
        if has_request_context():
            entry.update(request_id=g.get("request_id"), method=request.method, path=request.path)
        if record.exc_info:
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(app) -> None:
    """JSON lines in production (or with JSON_LOGS=1); plain logs for people otherwise."""
    if not (app.config.get("PRODUCTION") or app.config.get("JSON_LOGS")):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)  # libraries: warnings and errors only
    for name in ("app", app.logger.name):
        logging.getLogger(name).setLevel(logging.INFO)
