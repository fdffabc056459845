"""gunicorn's settings for Granska; gunicorn reads this file from the folder it starts in."""

import os

import gunicorn.http.wsgi

# The Server header names no software (gunicorn sends "Server: gunicorn" otherwise): nothing
# about the stack for a scanner to match against a list of known flaws.
gunicorn.http.wsgi.SERVER = "Granska"


def on_starting(server):
    """Warn when the login limits cannot hold: with memory:// each worker counts on its own,
    so four workers let four times as many attempts through."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "RATELIMIT_STORAGE_URI is %s with %d workers: every worker counts login attempts "
            "on its own, so the limits let %d times as many through. Set "
            "RATELIMIT_STORAGE_URI=redis://… (see README).",
            storage,
            server.cfg.workers,
            server.cfg.workers,
        )
