"""These tests start their own servers on SQLite and on a PostgreSQL database of their own,
whatever TEST_DATABASE_URL says; CI's PostgreSQL run of the suite leaves them out, since the
SQLite run has already covered both databases."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    here = os.path.dirname(__file__)
    skip = pytest.mark.skip(reason="run once per CI run, in the SQLite run (covers both)")
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)
