"""The week before the deadline: agency editors open, save and check their sections and
submit, while reviewers browse their list and compare submissions (issue 14).

Run by `make bench-rush` (tests/benchmarks/bench_rush.py), which seeds the data, starts
gunicorn on 127.0.0.1 and writes RUSH_PLAN: a JSON file with the editors (e-mail and their
open draft) and the submissions the reviewers compare. Each editor user takes its own agency.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["RUSH_PLAN"]).read_text(encoding="utf-8"))
PASSWORD = PLAN["password"]
_editors = itertools.cycle(PLAN["editors"])


class FormFields(HTMLParser):
    """The fields a browser would post from the first form holding a `version` field (the
    section's form), or the CSRF token of any form."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.csrf = ""
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if name == "csrf_token":
                self.csrf = attrs.get("value", "")
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if kind != "submit":
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


class Signed(HttpUser):
    abstract = True

    def login(self, email: str) -> None:
        page = self.client.get("/login", name="login page")
        token = _fields(page.text).csrf
        self.client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            name="login",
            allow_redirects=False,
        )


class AgencyEditor(Signed):
    weight = 85
    wait_time = between(1, 5)

    def on_start(self):
        editor = next(_editors)
        self.submission = editor["submission"]
        self.submitted = False
        self.login(editor["email"])

    @task(3)
    def open_submission(self):
        self.client.get(f"/submissions/{self.submission}", name="submission page")

    @task(3)
    def open_and_save_section(self):
        url = f"/submissions/{self.submission}/sections/it_costs"
        page = self.client.get(url, name="section page")
        if self.submitted:
            return
        form = _fields(page.text).fields
        users = form.get("users--outcome", "").replace(" ", "").replace("\xa0", "")
        if users.isdigit():  # a small correction, as an editor makes while checking
            form["users--outcome"] = str(int(users) + random.choice((-1, 1)))
        self.client.post(url, data=form, name="section save")

    @task(3)
    def check_answers(self):
        self.client.get(f"/submissions/{self.submission}/summary", name="Kontrollera era svar")

    @task(1)
    def submit(self):
        if self.submitted:
            return
        page = self.client.get(
            f"/submissions/{self.submission}/summary", name="Kontrollera era svar"
        )
        token = _fields(page.text).csrf
        with self.client.post(
            f"/submissions/{self.submission}/transitions/submit",
            data={"csrf_token": token},
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code == 409:  # answers still missing: refused, as it should be
                response.success()
            self.submitted = response.ok and response.status_code != 409


class Reviewer(Signed):
    weight = 15
    wait_time = between(1, 5)

    def on_start(self):
        self.login(PLAN["reviewer"])

    @task(2)
    def review_list(self):
        self.client.get("/review/", name="review list")

    @task(3)
    def compare(self):
        submission = random.choice(PLAN["reviewed"])
        self.client.get(f"/review/submissions/{submission}/compare", name="comparison")

    @task(1)
    def open_submission(self):
        submission = random.choice(PLAN["reviewed"])
        self.client.get(f"/submissions/{submission}", name="submission page (reviewer)")
