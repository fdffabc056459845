"""Fuzzing the server-rendered forms and pages with Hypothesis: hostile input never gives a
server error, never leaves a change half-written, and is never shown back unescaped.

Every example is checked against three properties:

* the answer is one of the statuses a refusal may have (ASVS 5.0 V16.5.3: fail securely,
  no unhandled exception; in the tests Flask lets an exception through instead of a 500);
* the database holds either the whole change or none of it, and never an invalid value
  (V2.2.1 and V2.2.2: input validated server-side against the field's rules; V2.3.3: a change
  is applied all or nothing);
* hostile text that is stored or echoed back appears only HTML-escaped (V1.2.1 output
  encoding for HTML; V1.2.4: SQL fragments are plain text, never syntax).

File uploads (V5.2.1 size, V5.2.2 extension and content, V5.2.3 compressed files) get random
bytes, damaged and hostile workbooks and a zip bomb; query strings get the same treatment as
form fields (V2.2.1).

The database is emptied after each test, not between Hypothesis examples: each example puts
back or reads the state it starts from (answers, projects, counts, the submission's version)
and compares against it, so the examples do not depend on each other. Examples are
derandomised, so CI is reproducible; each example notes its inputs for the failure report
(run with --hypothesis-show-statistics to see how often each route accepted or refused).
The @example values are hostile inputs that made the app fail when this suite was written;
they run first, so a failure there is a known bug, not flakiness.
"""

import csv
import functools
import html
import io
import random
import re
import threading
import time
import zipfile
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, event, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from markupsafe import escape
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from app.accounts.models import Agency, User
from app.accounts.org_number import with_check_digit
from app.audit.models import AuditEvent
from app.cycles import default_questionnaire
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import items_of
from app.database import begin_write
from app.extensions import db
from app.review.models import Comment, Question, QuestionEntry
from app.submissions.answers import item_spec, parse_input
from app.submissions.models import (
    Project,
    ProjectBaselineChange,
    Submission,
    SubmissionValue,
    WarningExplanation,
)
from tests import factories
from tests.conftest import WebClient
from workflows.answers import check_value

# A refusal may be any of these; a 5xx (or an exception escaping the app) never.
ALLOWED = {200, 302, 400, 403, 404, 409, 413, 422, 429}
TWO_DECIMALS = Decimal("0.01")
# A float (SQLite's storage of NUMERIC) holds every amount below this to the cent.
FLOAT_EXACT = Decimal(10) ** 13


def fuzz(max_examples: int, shrink: bool = True):
    """Derandomised (reproducible in CI), no deadline, no example database. Shrinking is
    left out where one example costs a tenth of a second or more (a failure then shows the
    first failing example, its inputs noted)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=tuple(Phase) if shrink else tuple(p for p in Phase if p is not Phase.shrink),
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# ---------------------------------------------------------------------------------------------
# Hostile values

XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><b>bold</b>",
    "<iframe src=javascript:alert(1)>",
)
# What must never reach a page raw once one of the payloads above was sent.
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload", "<b>bold</b>", "<iframe")
HOSTILE_FRAGMENTS = (
    *XSS,
    "' OR 1=1 --",
    "'; DROP TABLE submission; --",
    '" OR ""="',
    "%' OR '%'='",
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "%s%s%n%x",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "\x7f",
    "\r\nSet-Cookie: evil=1",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\u200b\ufeff",
    "e\u0301\u0301\u0301\u0301",
    "💥🇸🇪👩‍👩‍👧",
    "Åsa Öberg-Ängel",
    "\u00a0\u202f\u2009",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "../../../etc/passwd",
    "\\\\server\\share",
    "NaN",
    "-0",
)
LONG_TEXTS = ("A" * 5000, "å" * 5001, "<script>alert(1)</script>" * 400)
BLANK = "  \u00a0 "  # InputRequired lets it through; only strip() makes it empty
MEGABYTE = "<script>alert(1)</script>" + "x" * (1 << 20)  # over the 500 kB form limit

hostile_fragment = st.sampled_from(HOSTILE_FRAGMENTS)
hostile_text = st.one_of(
    hostile_fragment,
    st.text(max_size=40),
    st.lists(st.one_of(hostile_fragment, st.text(max_size=12)), min_size=1, max_size=4).map(
        "".join
    ),
    st.sampled_from(LONG_TEXTS),
)

ODD_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u200b", "\t", "  ")
HOSTILE_NUMBERS = (
    "9" * 40,
    "1e309",
    "1e3",
    "-0",
    "−12",
    "--1",
    "+5",
    "1 000 000 000 000 000",
    "1\u00a0234\u00a0567,5",
    "1\u202f234",
    "1\u2009234,25",
    "12 34",
    "1.250",
    "1.25",
    "1,2,3",
    "12,",
    ",5",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "inf",
    "0x1F",
    "1_000",
    "١٢٣",
    "²",
    "½",
    "Ⅻ",
    "12 kr",
    "12 tkr.",
    "50 %",
    " 7 ",
    "0,001",
    "0,005",
    "-5",
    "8",
    "3,5",
    "",
    " ",
)


@st.composite
def swedish_numbers(draw):
    """A number as a Swede might type it: grouped with odd spaces, decimal comma, unit."""
    whole = draw(st.integers(min_value=-(10**22), max_value=10**22))
    space = draw(st.sampled_from(ODD_SPACES))
    text = f"{abs(whole):,}".replace(",", space) if draw(st.booleans()) else str(abs(whole))
    if whole < 0:
        text = draw(st.sampled_from(("-", "\u2212", "- "))) + text
    if draw(st.booleans()):
        text += "," + str(draw(st.integers(min_value=0, max_value=999)))
    return text + draw(st.sampled_from(("", "", " kr", " tkr", "%", " SEK")))


hostile_number = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    swedish_numbers(),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    hostile_text,
)
HOSTILE_DATES = (
    "0001-01-01",
    "9999-12-31",
    "2026-02-29",
    "2028-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2026-1-1",
    "20260101",
    "2026-01-01T00:00",
    " 2026-01-01 ",
    "+2026-01-01",
    "-2026-01-01",
    "２０２６-０１-０１",
    "1900-01-01",
    "2100-12-31",
    "",
)
hostile_date = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    hostile_text,
)
HOSTILE_INTS = (
    "0",
    "-1",
    "1",
    "7",
    "60",
    "61",
    "9" * 40,
    "9" * 5000,
    "1e3",
    "²",
    "١",
    "1_0",
    " 5 ",
    "5.0",
    "",
    "NaN",
)
hostile_int = st.one_of(
    st.sampled_from(HOSTILE_INTS), st.integers(-(10**20), 10**20).map(str), hostile_text
)
# For filters that take a number (?cycle=, ?page=, ids): digits Python reads but int()
# refuses, numbers no database column holds, signs, exponents.
FILTER_VALUES = ("", "0", "-1", "1", "2026", "²", "٣", "9" * 30, "1e9", "NaN", " 1", "1.5")
OTHER_QUERY_VALUES = (
    "open",
    "unresolved",
    "draft",
    "failed",
    "operating_cost",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "\x00",
    "ä" * 300,
)
query_value = st.one_of(
    st.sampled_from(FILTER_VALUES), st.sampled_from(OTHER_QUERY_VALUES), hostile_text
)


# ---------------------------------------------------------------------------------------------
# Helpers


def _send(client, method: str, url: str, data=None, **kwargs):
    """One request; the status must be a refusal or a success, never a server error. A plain
    dict gets the CSRF token added; a MultiDict or bytes body is sent as it is."""
    try:
        if method == "GET":
            response = client.get(url, **kwargs)
        elif data is None or type(data) is dict:
            response = client.post(url, data, **kwargs)
        else:
            response = client.request(method, url, data=data, **kwargs)
    except Exception as error:
        error.add_note(f"{method} {url[:200]} raised: a 500 in production")
        raise
    assert response.status_code in ALLOWED, (method, url[:200], response.status_code)
    if currently_in_test_context():  # for --hypothesis-show-statistics
        event(f"{method} {re.sub(r'[0-9]+', 'N', url.split('?')[0])} -> {response.status_code}")
    return response


def _body(response) -> str:
    return response.get_data(as_text=True)


def _note(**values) -> None:
    """Record the example's inputs for the failure report (long values cut short)."""
    for name, value in values.items():
        text = repr(value)
        note(f"{name} = {text[:400]}{'…' if len(text) > 400 else ''}")


def _assert_escaped(response, *sent: str | None) -> None:
    """No payload that was sent appears raw in an HTML page."""
    if response.mimetype != "text/html":
        return  # a CSV or a workbook is not markup
    body = _body(response)
    sent_text = "".join(text for text in sent if text)
    for marker in RAW_MARKERS:
        if marker in sent_text:
            assert marker not in body, f"{marker!r} is in the page unescaped"


def _assert_shown_escaped(body: str, text: str) -> None:
    """A stored text with markup is shown, escaped."""
    if any(marker in text for marker in RAW_MARKERS) and len(text) <= 5000:
        assert str(escape(text)) in body, "the stored text is not shown, escaped"


def _version(submission_id: int) -> int:
    return db.session.scalar(select(Submission.version).where(Submission.id == submission_id))


def _values(submission_id: int) -> dict[tuple[str, str], tuple]:
    rows = db.session.scalars(
        select(SubmissionValue).where(SubmissionValue.submission_id == submission_id)
    )
    return {(row.item_code, row.period): (row.number, row.text) for row in rows}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _row_state(row) -> dict:
    db.session.refresh(row)
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _commit(*rows):
    begin_write(db.session)
    db.session.add_all(rows)
    db.session.commit()
    return rows


BASELINE = {
    ("operating_cost", "outcome"): Decimal(250000),
    ("users", "outcome"): Decimal(1200),
    ("workstation_cost_comment", "outcome"): "Oförändrad kostnad.",
    ("maturity_sourcing_current", "outcome"): Decimal(3),
}


def _baseline_project(submission_id: int) -> Project:
    return Project(
        submission_id=submission_id,
        name="Nytt ärendesystem",
        orientation="efficiency",
        start_date=date(2025, 3, 1),
        original_end_date=date(2027, 6, 30),
        current_end_date=date(2027, 6, 30),
        original_budget=Decimal(45000),
        current_budget=Decimal(45000),
        cost_to_date=Decimal(12000),
        forecast_at_completion=Decimal(45000),
        risk_benefits="low",
        risk_budget="low",
        risk_time="low",
    )


def _reset(submission_id: int, project: bool = False) -> int | None:
    """Put the submission's answers (and projects) back to a known, valid start, so an
    example never depends on what an earlier one stored. Returns the project's id."""
    begin_write(db.session)
    projects = select(Project.id).where(Project.submission_id == submission_id)
    db.session.execute(
        delete(ProjectBaselineChange).where(ProjectBaselineChange.project_id.in_(projects))
    )
    db.session.execute(delete(Project).where(Project.submission_id == submission_id))
    db.session.execute(
        delete(SubmissionValue).where(SubmissionValue.submission_id == submission_id)
    )
    for (code, period), value in BASELINE.items():
        number, text = (value, None) if isinstance(value, Decimal) else (None, value)
        db.session.add(
            SubmissionValue(
                submission_id=submission_id, item_code=code, period=period, number=number, text=text
            )
        )
    added = _baseline_project(submission_id) if project else None
    if added is not None:
        db.session.add(added)
    db.session.commit()
    return added.id if added is not None else None


def _expected(item, raw: str, period: str):
    """What saving `raw` should store: (True, value) or (False, None) when it is refused.
    The app's own parser decides validity; the test checks what is then stored."""
    value, problem = parse_input(item, raw, period)
    problem = problem or check_value(item_spec(item), value, period)
    return (False, None) if problem else (True, value)


def _matches(stored: tuple, value) -> bool:
    number, text = stored
    if value is None:
        return number is None and not text
    if isinstance(value, Decimal):
        if abs(value) >= FLOAT_EXACT:
            return True  # beyond what SQLite keeps exactly: see the test of big amounts
        return number is not None and abs(number - value) <= TWO_DECIMALS
    return text == value


def _xlsx_legal(text: str) -> str:
    """The text without the control characters a workbook cannot hold (openpyxl refuses
    them when writing, so a hostile file cannot carry them either)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def draft(client, login):
    """An agency editor's draft of the 2026 cycle (default questionnaire), logged in."""
    cycle = factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name="Fuzzverket")
    submission = factories.make_submission(cycle, agency)
    user = login("agency_editor", agency=agency)
    return SimpleNamespace(
        id=submission.id,
        cycle_id=cycle.id,
        agency_id=agency.id,
        user_id=user.id,
        url=f"/submissions/{submission.id}",
    )


@pytest.fixture
def admin(client, login):
    login("admin")
    return client


# ---------------------------------------------------------------------------------------------
# Answers: the questionnaire's sections


def _section_field_values(section: str) -> dict[str, st.SearchStrategy]:
    """Per field of the default questionnaire's section, the values to try in it."""
    fields = {}
    for item in default_questionnaire.ITEMS:
        if item["section"] != section:
            continue
        if item["kind"] == "choice":
            values = st.one_of(st.sampled_from([c["value"] for c in item["choices"]]), hostile_text)
        elif item["kind"] == "text":
            values = hostile_text
        else:
            values = hostile_number
        periods = ("outcome", "forecast") if item.get("has_forecast") else ("outcome",)
        for period in periods:
            fields[f"{item['code']}--{period}"] = values
    return fields


def section_forms(section: str):
    """Some of the section's fields (never all: missing fields stay as they are)."""
    fields = _section_field_values(section)
    return st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=12).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name] for name in names})
    )


def _check_section_save(client, draft, section: str, form: dict, reason: str | None) -> None:
    """The valid fields of a save are stored exactly, the invalid ones not at all and shown
    back escaped next to the field; the save answers 302 or 422, and the page then shows
    what is stored, escaped."""
    _note(form=form, reason=reason)
    items = items_of(draft.cycle_id, section)
    _reset(draft.id)
    before = _values(draft.id)
    posted = {"version": str(_version(draft.id)), **form}
    if reason is not None:
        posted["reason"] = reason
    response = _send(client, "POST", f"{draft.url}/sections/{section}", data=posted)
    after = _values(draft.id)
    refused = []
    for item in items:
        for period in item_spec(item).periods:
            name, key = f"{item.code}--{period}", (item.code, period)
            stored = after.get(key, (None, None))
            if name not in form:
                assert stored == before.get(key, (None, None)), f"{name} changed, not sent"
                continue
            ok, value = _expected(item, form[name], period)
            if ok:
                assert _matches(stored, value), (name, form[name], stored)
            else:
                refused.append(name)
                assert stored == before.get(key, (None, None)), f"invalid {name} was stored"
    assert response.status_code == (422 if refused else 302)
    shown = response if refused else _send(client, "GET", response.location)
    page = _body(shown)
    for name in refused:
        assert f'href="#{name}"' in page, f"no error shown for {name}"
    _assert_escaped(shown, *form.values(), reason)
    for item in items:
        stored = after.get((item.code, "outcome"), (None, None))
        typed = form.get(f"{item.code}--outcome")
        if item.kind == "text" and stored[1]:
            # A refused save shows the form as typed; a saved one what was stored (without
            # the control characters, which are never stored).
            _assert_shown_escaped(page, typed if refused and typed else stored[1])


@fuzz(40)
@given(form=section_forms("it_costs"), reason=st.one_of(st.none(), hostile_text))
@example(form={"operating_cost--outcome": "1" + "0" * 30}, reason=None)
def test_an_it_costs_save_stores_the_valid_fields_and_only_them(client, draft, form, reason):
    """V2.2.1/V2.2.2 input validation, V2.3.3 no partial invalid state, V1.2.1 output
    encoding, V16.5.3 no unhandled error: see _check_section_save."""
    _check_section_save(client, draft, "it_costs", form, reason)


@fuzz(40)
@given(form=section_forms("maturity"), reason=st.one_of(st.none(), hostile_text))
def test_a_maturity_save_stores_the_valid_fields_and_only_them(client, draft, form, reason):
    """V2.2.1/V2.2.2/V2.3.3/V1.2.1: as for the IT costs, with levels 1–7 and comments."""
    _check_section_save(client, draft, "maturity", form, reason)


@fuzz(30)
@given(
    amount=st.one_of(
        st.integers(min_value=10**13, max_value=10**40).map(str),
        st.builds(
            "{},{:02d}".format,
            st.integers(min_value=10**13, max_value=10**20),
            st.integers(min_value=1, max_value=99),
        ),
    )
)
@example(amount="9" * 40)
@example(amount="123456789012345678,99")
def test_big_amounts_are_refused_or_stored_exactly(client, draft, amount):
    """V2.2.1/V2.2.2: an amount the column (NUMERIC(18,2)) cannot hold is refused with a
    message; an accepted amount is stored as typed, never as a different number."""
    _note(amount=amount)
    _reset(draft.id)
    before = _values(draft.id)
    posted = {"version": str(_version(draft.id)), "operating_cost--outcome": amount}
    response = _send(client, "POST", f"{draft.url}/sections/it_costs", data=posted)
    stored = _values(draft.id).get(("operating_cost", "outcome"), (None, None))
    if response.status_code == 422:
        assert stored == before.get(("operating_cost", "outcome"), (None, None))
        return
    typed = Decimal(amount.replace(",", "."))
    assert stored[0] == typed, f"typed {amount}, stored {stored[0]}"


@fuzz(30)
@given(comment=hostile_text)
@example(comment="Kostnaden ökar\x01 på grund av licenser")
def test_any_stored_answer_can_be_exported_to_the_excel_template(client, draft, comment):
    """V16.5.3 fail securely: whatever the section form accepts and stores, the Excel
    template of the submission can still be downloaded."""
    _note(comment=comment)
    _reset(draft.id)
    posted = {"version": str(_version(draft.id)), "workstation_cost_comment--outcome": comment}
    _send(client, "POST", f"{draft.url}/sections/it_costs", data=posted)
    response = _send(client, "GET", f"{draft.url}/excel")
    assert response.status_code == 200


@fuzz(25)
@given(
    first=hostile_number,
    second=hostile_number,
    version=st.one_of(st.none(), hostile_int),
    mangled_first=st.booleans(),
)
def test_a_field_sent_twice_is_read_once_and_never_fails(
    client, draft, first, second, version, mangled_first
):
    """V2.2.1: duplicated parameters (HTTP parameter pollution) are read one way, the first
    value, and a stale or mangled version is a conflict or a refusal, never a crash."""
    _note(first=first, second=second, version=version, mangled_first=mangled_first)
    _reset(draft.id)
    before = _values(draft.id)
    current = str(_version(draft.id))
    versions = [current, current if version is None else version]
    if mangled_first:
        versions.reverse()
    body = MultiDict(
        [
            ("csrf_token", client.csrf_token()),
            *(("version", v) for v in versions),
            ("users--outcome", first),
            ("users--outcome", second),
        ]
    )
    response = _send(client, "POST", f"{draft.url}/sections/it_costs", data=body)
    stored = _values(draft.id).get(("users", "outcome"), (None, None))
    item = next(i for i in items_of(draft.cycle_id, "it_costs") if i.code == "users")
    ok, value = _expected(item, first, "outcome")
    if response.status_code == 302 and ok:
        assert _matches(stored, value)
    elif response.status_code != 302:
        assert stored == before.get(("users", "outcome"), (None, None))
    _assert_escaped(response, first, second)


@fuzz(25)
@given(raw=st.binary(min_size=1, max_size=64))
@example(raw=b"\xed\xa0\x80")  # a lone surrogate, as CESU/WTF-8 would encode it
@example(raw=b"\xff\xfe\x00<script>")
def test_form_bodies_that_are_not_utf8_are_read_safely(client, draft, raw):
    """V2.2.1: a form body with invalid UTF-8 (lone surrogates, stray bytes) is decoded with
    replacement characters and stored as valid Unicode, or refused."""
    _note(raw=raw)
    _reset(draft.id)
    body = (
        f"csrf_token={client.csrf_token()}&version={_version(draft.id)}"
        f"&workstation_cost_comment--outcome={quote(raw)}"
    ).encode()
    response = _send(
        client,
        "POST",
        f"{draft.url}/sections/it_costs",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    stored = _values(draft.id).get(("workstation_cost_comment", "outcome"), (None, None))
    if stored[1]:
        stored[1].encode("utf-8")  # a lone surrogate would raise here
    _assert_escaped(response, raw.decode("utf-8", "replace"))


# ---------------------------------------------------------------------------------------------
# Explanations of warnings


@pytest.fixture
def with_warnings(draft):
    """Last year's approved answers, so that this year's differ by far more than 30 %."""
    agency = db.session.get(Agency, draft.agency_id)
    last = factories.make_submission(factories.make_cycle(year=2025), agency, "approved")
    rows = []
    for submission_id, number in ((last.id, 100), (draft.id, 900)):
        for code in ("users", "workstations"):
            rows.append(SubmissionValue(submission_id=submission_id, item_code=code, number=number))
    _commit(*rows)
    return draft


@fuzz(30)
@given(
    texts=st.dictionaries(
        st.one_of(
            st.sampled_from(("users:outcome", "workstations:outcome", "it_cost_share:outcome")),
            hostile_text,
        ),
        hostile_text,
        max_size=4,
    )
)
def test_explanations_are_stored_for_current_warnings_only(client, with_warnings, texts):
    """V2.2.1/V2.2.3: explanations are kept only for the submission's current warnings
    (a made-up target never creates a row), cut to the limit, and shown escaped."""
    _note(texts=texts)
    draft = with_warnings
    posted = {f"explain:{target}": text for target, text in texts.items()}
    response = _send(client, "POST", f"{draft.url}/explanations", data=posted)
    assert response.status_code == 302
    rows = db.session.scalars(
        select(WarningExplanation).where(WarningExplanation.submission_id == draft.id)
    ).all()
    assert {row.target for row in rows} <= {"users:outcome", "workstations:outcome"}
    for row in rows:
        if row.target in texts:
            assert row.text == texts[row.target].strip()[:5000], row.target
    page = _send(client, "GET", f"{draft.url}/summary")
    _assert_escaped(page, *texts.values(), *texts)


# ---------------------------------------------------------------------------------------------
# Projects

VALID_PROJECT = {
    "name": "Nytt ärendesystem",
    "description": "Ersätter tre system.",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": "2025-03-01",
    "end_date": "2027-06-30",
    "budget": "45 000",
    "cost_to_date": "12 500,5",
    "forecast_at_completion": "52 000",
    "risk_benefits": "medium",
    "risk_budget": "high",
    "risk_time": "low",
    "benefits_analysed": "y",
    "expected_benefits": "Kortare handläggning",
}
_PROJECT_VALUES = {
    "name": hostile_text,
    "description": hostile_text,
    "collaboration": hostile_text,
    "expected_benefits": hostile_text,
    "benefit_measure": hostile_text,
    "benefit_target": hostile_text,
    "realised_benefits": hostile_text,
    "rebaseline_reason": hostile_text,
    "orientation": st.one_of(st.sampled_from(("develop", "efficiency")), hostile_text),
    "status": st.one_of(st.sampled_from(("ongoing", "completed", "cancelled")), hostile_text),
    "start_date": hostile_date,
    "end_date": hostile_date,
    "budget": hostile_number,
    "cost_to_date": hostile_number,
    "forecast_at_completion": hostile_number,
    "risk_benefits": st.one_of(st.sampled_from(("low", "medium", "high")), hostile_text),
    "risk_budget": st.one_of(st.sampled_from(("low", "high")), hostile_text),
    "risk_time": st.one_of(st.sampled_from(("low", "high")), hostile_text),
    "benefits_analysed": st.one_of(st.sampled_from(("y", "", "false", "0")), hostile_text),
    "benefits_plan": st.sampled_from(("y", "", "on")),
}


@st.composite
def project_forms(draw):
    """The valid form with some fields changed to hostile values, some left out."""
    form = dict(VALID_PROJECT)
    for name in draw(st.sets(st.sampled_from(sorted(_PROJECT_VALUES)), max_size=5)):
        form[name] = draw(_PROJECT_VALUES[name])
    for name in draw(st.sets(st.sampled_from(sorted(VALID_PROJECT)), max_size=2)):
        form.pop(name, None)
    return form


def _project_snapshot(submission_id: int) -> list[dict]:
    projects = db.session.scalars(
        select(Project).where(Project.submission_id == submission_id).order_by(Project.id)
    ).all()
    return [_row_state(project) for project in projects]


@fuzz(40)
@given(form=project_forms())
@example(form={**VALID_PROJECT, "name": MEGABYTE})
@example(form={**VALID_PROJECT, "name": BLANK})
@example(form={**VALID_PROJECT, "budget": "1" + "0" * 30})
@example(form={**VALID_PROJECT, "name": "\x00"})  # a name of only NUL is no name
@example(form={**VALID_PROJECT, "name": "a\x00b"})  # NUL inside a name: stored without it
@example(form={**VALID_PROJECT, "budget": "\xa0\u202f\u2009"})  # only spaces: no budget
def test_a_project_form_adds_one_valid_project_or_nothing(client, draft, form):
    """V2.2.1/V2.2.2/V2.3.3: a project form with any error adds no project row (and no
    audit or baseline row); an accepted one adds exactly one, with the values as typed;
    the form page shows what was typed, escaped."""
    _note(form=form)
    _reset(draft.id)
    before = _project_snapshot(draft.id)
    changes_before = _count(ProjectBaselineChange)
    version = _version(draft.id)
    response = _send(client, "POST", f"{draft.url}/projects/new", data=form)
    after = _project_snapshot(draft.id)
    if response.status_code != 302:
        assert after == before, "a refused form changed the projects"
        assert _version(draft.id) == version
        _assert_escaped(response, *form.values())
        return
    assert len(after) == len(before) + 1
    assert _count(ProjectBaselineChange) == changes_before
    added = after[-1]
    # As typed, but for NUL, which no column keeps (app/database.py drops it before a flush).
    assert added["name"] == form["name"].replace("\x00", "")
    assert len(added["name"].strip()) > 0 and len(added["name"]) <= 200
    assert added["start_date"] <= added["current_end_date"]
    for field in ("original_budget", "cost_to_date", "forecast_at_completion"):
        assert added[field] >= 0
    page = _send(client, "GET", f"{draft.url}/projects")
    _assert_escaped(page, *form.values())
    _assert_shown_escaped(_body(page), added["name"])


@fuzz(30)
@given(form=project_forms())
def test_a_refused_project_edit_changes_nothing(client, draft, form):
    """V2.3.3: an edit that is refused leaves the project (and its baseline history) exactly
    as it was; an accepted change of budget or end date is recorded with its reason."""
    _note(form=form)
    project_id = _reset(draft.id, project=True)
    # A plan handed in before: a change of its budget or end date is a re-baseline (a draft
    # plan's typo is not, and takes the original along).
    handed_in = db.session.get(Project, project_id)
    handed_in.baseline_set_at = datetime(2026, 1, 15, 9, 0)
    _commit(handed_in)
    before = _row_state(db.session.get(Project, project_id))
    changes_before = _count(ProjectBaselineChange)
    url = f"{draft.url}/projects/{project_id}/edit"
    response = _send(client, "POST", url, data=form)
    after = _row_state(db.session.get(Project, project_id))
    if response.status_code != 302:
        assert after == before, "a refused edit changed the project"
        assert _count(ProjectBaselineChange) == changes_before
        _assert_escaped(response, *form.values())
        return
    rebaselined = (after["current_budget"], after["current_end_date"]) != (
        before["current_budget"],
        before["current_end_date"],
    )
    if rebaselined:
        assert form.get("rebaseline_reason", "").strip()
        assert _count(ProjectBaselineChange) > changes_before
    assert after["original_budget"] == before["original_budget"]
    assert after["original_end_date"] == before["original_end_date"]


@fuzz(30)
@given(
    budget=st.one_of(
        st.integers(min_value=10**13, max_value=10**40).map(str),
        st.builds(
            "{},{:02d}".format,
            st.integers(min_value=10**13, max_value=10**20),
            st.integers(min_value=1, max_value=99),
        ),
    )
)
@example(budget="9" * 40)
def test_big_project_budgets_are_refused_or_stored_exactly(client, draft, budget):
    """V2.2.1/V2.2.2: a budget beyond NUMERIC(18,2) is refused; an accepted one is stored
    as typed."""
    _note(budget=budget)
    _reset(draft.id)
    form = {**VALID_PROJECT, "budget": budget, "name": f"Projekt {budget[:20]}"}
    count = _count(Project, Project.submission_id == draft.id)
    response = _send(client, "POST", f"{draft.url}/projects/new", data=form)
    if response.status_code != 302:
        assert _count(Project, Project.submission_id == draft.id) == count
        return
    stored = db.session.scalar(
        select(Project.original_budget)
        .where(Project.submission_id == draft.id)
        .order_by(Project.id.desc())
        .limit(1)
    )
    assert stored == Decimal(budget.replace(",", ".")), f"typed {budget}, stored {stored}"


# ---------------------------------------------------------------------------------------------
# The Excel upload


def _xlsx(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, draft, data: bytes, name: str = "granska.xlsx", **fields):
    return _send(
        client,
        "POST",
        f"{draft.url}/excel/upload",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _stored_state(submission_id: int) -> tuple:
    return _values(submission_id), _project_snapshot(submission_id), _version(submission_id)


@pytest.fixture
def template(client, draft):
    response = _send(client, "GET", f"{draft.url}/excel")
    return response.data


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


@functools.cache
def _zip_bomb() -> bytes:
    """A package that claims to be a workbook and unpacks to 60 MB of zeros (~60 kB)."""
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": bytes(60 << 20),
        }
    )


@st.composite
def damaged_files(draw, template: bytes):
    kind = draw(st.sampled_from(("random", "zip-like", "truncated", "flipped", "members")))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    if kind == "zip-like":
        return b"PK\x03\x04" + draw(st.binary(max_size=2048))
    if kind == "truncated":
        return template[: draw(st.integers(0, len(template) - 1))]
    if kind == "flipped":
        data = bytearray(template)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    names = draw(
        st.lists(
            st.sampled_from(
                (
                    "[Content_Types].xml",
                    "xl/workbook.xml",
                    "xl/worksheets/sheet1.xml",
                    "docProps/custom.xml",
                    "../../evil.txt",
                    "/abs/path.xml",
                )
            ),
            max_size=5,
            unique=True,
        )
    )
    return _zip({name: draw(st.binary(max_size=256)) for name in names})


@fuzz(40)
@given(data=st.data(), name=st.one_of(st.just("granska.xlsx"), hostile_text))
def test_a_damaged_or_foreign_upload_stores_nothing(client, draft, template, data, name):
    """V5.2.1/V5.2.2: random bytes, damaged packages (truncated, bytes changed, odd or
    missing members) and odd file names are refused with a message, and nothing is stored."""
    _note(name=name)
    payload = data.draw(damaged_files(template))
    _reset(draft.id)
    before = _stored_state(draft.id)
    response = _upload(client, draft, payload, name=name)
    if response.status_code != 302:
        assert _stored_state(draft.id) == before, "a refused upload stored something"
    _assert_escaped(response, name)


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        pytest.param(_zip_bomb, 422, id="zip-bomb-60MB"),
        pytest.param(lambda: b"PK\x03\x04" + bytes(3 << 20), 422, id="3MB-over-upload-limit"),
        pytest.param(lambda: b"PK\x03\x04" + bytes(6 << 20), 413, id="6MB-over-request-limit"),
    ],
)
def test_oversized_and_bomb_uploads_are_refused(client, draft, payload, status):
    """V5.2.1/V5.2.3: a file over the 2 MB upload limit, a request over the 5 MB request
    limit and a package that unpacks to 60 MB are refused, and nothing is stored."""
    before = _stored_state(draft.id)
    response = _upload(client, draft, payload())
    assert response.status_code == status
    assert _stored_state(draft.id) == before


_CELL_TEXT = hostile_text.map(_xlsx_legal)
hostile_cell = st.one_of(
    _CELL_TEXT,
    hostile_number.map(_xlsx_legal),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from((1e22, 1e25, -1e300, 5e-324, 0.1 + 0.2, 1e15 + 0.3)),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.sampled_from(("=1/0", "=A1", "=SUM(D4:D9)", '=HYPERLINK("http://x","y")', "#DIV/0!")),
    st.none(),
)
HOSTILE_PROPERTY = st.one_of(
    st.sampled_from(("2026", "2025", "", "²", "٢٠٢٦", "-1", "2026 ", "9" * 5000, "0x7EA")),
    _CELL_TEXT,
)
SHEETS = ("It-kostnader", "Mognad", "Projekt")
IDENTITY = ("granska_cycle", "granska_agency", "granska_version")


@pytest.fixture
def template_cells(template):
    """The template's cells and identity, to build hostile copies from quickly."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    cells = {name: [[c.value for c in row] for row in book[name].iter_rows()] for name in SHEETS}
    identity = {prop.name: prop.value for prop in book.custom_doc_props.props}
    return cells, identity


def _workbook(cells: dict, identity: dict) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for name, rows in cells.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for name, value in identity.items():
        book.custom_doc_props.append(StringProperty(name=name, value=value))
    return _xlsx(book)


# Where a hostile value goes: an answer cell, a question code, a cell of a project row or a
# column header; rows are counted among the sheet's question rows (or project rows).
cell_positions = st.one_of(
    st.tuples(
        st.just("answer"),
        st.sampled_from(("It-kostnader", "Mognad")),
        st.integers(0, 45),
        st.sampled_from((4, 5)),
    ),
    st.tuples(st.just("project"), st.just("Projekt"), st.integers(0, 3), st.integers(1, 24)),
    st.tuples(
        st.just("code"), st.sampled_from(("It-kostnader", "Mognad")), st.integers(0, 45), st.just(1)
    ),
    st.tuples(st.just("header"), st.sampled_from(SHEETS), st.just(0), st.integers(1, 8)),
)
workbook_edits = st.tuples(
    st.lists(st.tuples(cell_positions, hostile_cell), min_size=1, max_size=6),
    st.one_of(st.just({}), st.dictionaries(st.sampled_from(IDENTITY), HOSTILE_PROPERTY)),
)


def _apply_edits(template_cells, edits) -> bytes:
    cells = {name: [list(row) for row in rows] for name, rows in template_cells[0].items()}
    for (kind, sheet, index, column), value in edits[0]:
        rows = cells[sheet]
        if kind in ("answer", "code"):
            question_rows = [i for i, row in enumerate(rows[3:], 3) if row and row[0]]
            target = question_rows[index % len(question_rows)]
        else:
            target = 2 if kind == "header" else 3 + index
        while len(rows) <= target:
            rows.append([])
        row = rows[target]
        row.extend([None] * (column - len(row)))
        row[column - 1] = value
    return _workbook(cells, {**template_cells[1], **edits[1]})


@fuzz(40, shrink=False)
@given(edits=workbook_edits, reason=st.one_of(st.none(), hostile_text))
@example(edits=([(("answer", "It-kostnader", 0, 4), 1e25)], {}), reason=None)
@example(edits=([], {"granska_version": "²"}), reason=None)
@example(
    edits=(
        [(("project", "Projekt", 0, 1), "²"), (("project", "Projekt", 0, 2), "Nytt system")],
        {},
    ),
    reason=None,
)
def test_a_hostile_workbook_is_stored_all_or_nothing(client, draft, template_cells, edits, reason):
    """V5.2.2/V2.2.1/V2.3.3: a real workbook with hostile cells (huge and odd numbers,
    formulas, error values, markup, dates where numbers go, hostile codes and identity
    properties) is either stored whole or refused with nothing stored, never a crash; the
    error table shows the file's text escaped."""
    _note(edits=edits, reason=reason)
    _reset(draft.id)
    payload = _apply_edits(template_cells, edits)
    before = _stored_state(draft.id)
    fields = {} if reason is None else {"reason": reason}
    response = _upload(client, draft, payload, **fields)
    if response.status_code not in (200, 302):  # 200: the receipt of what was changed
        assert _stored_state(draft.id) == before, "a refused upload stored something"
    texts = [value for _where, value in edits[0] if isinstance(value, str)]
    _assert_escaped(response, *texts, *edits[1].values(), reason)


# ---------------------------------------------------------------------------------------------
# Questions, answers, comments


@pytest.fixture
def in_review(client, login):
    cycle = factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name="Granskade verket")
    submission = factories.make_submission(cycle, agency, "in_review")
    reviewer = login("reviewer")
    _commit(SubmissionValue(submission_id=submission.id, item_code="users", number=1200))
    return SimpleNamespace(
        id=submission.id, url=f"/submissions/{submission.id}", reviewer_id=reviewer.id
    )


TARGETS = st.one_of(
    st.sampled_from(
        ("general", "section:it_costs", "item:users", "section:projects", "project:1", "")
    ),
    hostile_text,
)


@fuzz(40)
@given(target=TARGETS, text=hostile_text)
@example(target="general", text=MEGABYTE)
def test_a_question_is_raised_whole_or_not_at_all(client, in_review, target, text):
    """V2.2.1/V2.3.3/V1.2.1: a question is stored with its thread entry and audit event, or
    nothing is; its text is shown escaped to the reviewer."""
    _note(target=target, text=text)
    counts = (_count(Question), _count(QuestionEntry), _count(AuditEvent))
    response = _send(
        client,
        "POST",
        f"/review/submissions/{in_review.id}/questions",
        data={"target": target, "text": text},
    )
    now = (_count(Question), _count(QuestionEntry), _count(AuditEvent))
    if response.status_code != 302:
        assert now == counts, "a refused question left rows behind"
        _assert_escaped(response, target, text)
        return
    assert now == tuple(n + 1 for n in counts)
    question = db.session.scalars(select(Question).order_by(Question.id.desc())).first()
    assert question.text == text.strip() and 0 < len(question.text) <= 5000
    page = _send(client, "GET", in_review.url)
    _assert_escaped(page, target, text)
    _assert_shown_escaped(_body(page), question.text)


def _answered_question(submission_id: int, reviewer_id: int) -> int:
    (question,) = _commit(
        Question(
            submission_id=submission_id,
            subject="Antal användare",
            item_code="users",
            text="Varför?",
            status="answered",
            answer="Därför.",
            raised_by_id=reviewer_id,
            rounds_sent=1,
        )
    )
    return question.id


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


@fuzz(25)
@given(text=hostile_text, answer=hostile_text)
@example(text='=HYPERLINK("http://evil.example","klicka")', answer="@SUM(A1)")
@example(text="\x00=1+1", answer="Svar")
def test_the_questions_export_never_starts_a_cell_with_a_formula(client, in_review, text, answer):
    """V1.2.10: in the reviewers' CSV export, no cell a spreadsheet reads begins with a
    formula character (= + - @, tab, carriage return, NUL) unless quoted with an
    apostrophe."""
    _note(text=text, answer=answer)
    _commit(
        Question(
            submission_id=in_review.id,
            subject=text[:200] or "x",
            text=text or "x",
            answer=answer,
            status="answered",
            raised_by_id=in_review.reviewer_id,
        )
    )
    response = _send(client, "GET", "/review/questions.csv?cycle=2026&status=")
    rows = list(csv.reader(io.StringIO(_body(response).lstrip("\ufeff")), delimiter=";"))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"a cell starts a formula: {cell[:40]!r}"


@pytest.mark.parametrize("action", ["resolve", "send-back"])
@fuzz(25)
@given(comment=hostile_text)
def test_settling_a_question_is_whole_or_not_at_all(client, in_review, action, comment):
    """V2.3.3/V1.2.1: resolving or sending back changes the question and adds its entry, or
    neither; a refusal shows the typed comment escaped."""
    _note(comment=comment)
    question_id = _answered_question(in_review.id, in_review.reviewer_id)
    entries = _count(QuestionEntry, QuestionEntry.question_id == question_id)
    response = _send(
        client, "POST", f"/review/questions/{question_id}/{action}", data={"comment": comment}
    )
    question = db.session.get(Question, question_id)
    db.session.refresh(question)
    now = _count(QuestionEntry, QuestionEntry.question_id == question_id)
    if response.status_code != 302:
        assert (question.status, now) == ("answered", entries)
        _assert_escaped(response, comment)
        return
    assert question.status == ("resolved" if action == "resolve" else "open")
    assert now == entries + 1
    _assert_escaped(_send(client, "GET", in_review.url), comment)


@pytest.fixture
def in_clarification(client, login):
    cycle = factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name="Frågade verket")
    submission = factories.make_submission(cycle, agency, "clarification")
    reviewer = factories.make_user("reviewer")
    login("agency_editor", agency=agency)
    _commit(SubmissionValue(submission_id=submission.id, item_code="users", number=1200))
    return SimpleNamespace(
        id=submission.id,
        cycle_id=cycle.id,
        url=f"/submissions/{submission.id}",
        reviewer_id=reviewer.id,
    )


@fuzz(40)
@given(answer=hostile_text, correction=st.one_of(st.just(""), hostile_number))
def test_an_answer_and_its_correction_are_stored_together_or_not_at_all(
    client, in_clarification, answer, correction
):
    """V2.3.3: an answer with an invalid correction stores neither; a valid pair stores
    both (the corrected value exactly); V1.2.1: the answer is shown escaped."""
    _note(answer=answer, correction=correction)
    sub = in_clarification
    _reset(sub.id)
    (question,) = _commit(
        Question(
            submission_id=sub.id,
            subject="Antal användare",
            item_code="users",
            text="Stämmer antalet?",
            raised_by_id=sub.reviewer_id,
            rounds_sent=1,
        )
    )
    question_id = question.id
    before = _values(sub.id)
    response = _send(
        client,
        "POST",
        f"{sub.url}/questions/{question_id}/answer",
        data={"answer": answer, "correction": correction},
    )
    question = db.session.get(Question, question_id)
    db.session.refresh(question)
    after = _values(sub.id)
    if response.status_code != 302:
        assert (question.status, question.answer) == ("open", None)
        assert after == before
        _assert_escaped(response, answer, correction)
        return
    assert question.answer == answer.strip() and question.status == "answered"
    item = next(i for i in items_of(sub.cycle_id) if i.code == "users")
    ok, value = _expected(item, correction, "outcome")
    if correction.strip():
        assert ok, f"an invalid correction {correction!r} was accepted"
        assert _matches(after[("users", "outcome")], value)
    else:
        assert after == before
    _assert_escaped(_send(client, "GET", sub.url), answer, correction)


@fuzz(40)
@given(
    kind=st.one_of(
        st.just("conversation"),
        st.just("conversation"),
        st.sampled_from(("internal", "", "Conversation", "conversation ")),
        hostile_text,
    ),
    text=hostile_text,
)
@example(kind="conversation", text=MEGABYTE)
def test_a_comment_is_stored_whole_or_refused(client, draft, kind, text):
    """V2.2.1/V1.2.1: a comment of a known kind and allowed length is stored as typed
    (trimmed); any other is refused with nothing stored; an agency never writes an internal
    note (V8.2.1); the text is shown escaped."""
    _note(kind=kind, text=text)
    comments = _count(Comment)
    response = _send(client, "POST", f"{draft.url}/comments", data={"kind": kind, "text": text})
    if response.status_code != 302:
        assert _count(Comment) == comments
        _assert_escaped(response, kind, text)
        return
    assert kind == "conversation", f"an agency editor wrote a {kind!r} comment"
    stored = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert stored.text == text.strip() and 0 < len(stored.text) <= 5000
    page = _send(client, "GET", draft.url)
    _assert_escaped(page, kind, text)
    _assert_shown_escaped(_body(page), stored.text)


@fuzz(30)
@given(
    form=st.one_of(st.just("addresses"), hostile_text),
    addresses=st.one_of(
        st.lists(st.one_of(st.emails(), hostile_text, st.just("a@b.se")), max_size=25).map(
            "\n".join
        ),
        hostile_text,
    ),
    wants_mail=st.one_of(st.sampled_from(("yes", "no")), hostile_text),
)
def test_mail_settings_store_only_valid_addresses(client, draft, form, addresses, wants_mail):
    """V2.2.1: the agency's mail addresses are replaced by a valid list (at most 20) or
    not at all; what was typed is shown back escaped."""
    _note(form=form, addresses=addresses, wants_mail=wants_mail)
    agency = db.session.get(Agency, draft.agency_id)
    before = agency.mail_recipients
    response = _send(
        client,
        "POST",
        "/notifications/settings",
        data={"form": form, "addresses": addresses, "wants_mail": wants_mail},
    )
    db.session.refresh(agency)
    if response.status_code != 302:
        assert agency.mail_recipients == before
        _assert_escaped(response, addresses)
        return
    stored = [a for a in (agency.mail_recipients or "").split("\n") if a]
    assert len(stored) <= 20
    assert all(re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+", a) for a in stored), stored


# ---------------------------------------------------------------------------------------------
# Accounts: login and password reset


@fuzz(30)
@given(
    email=st.one_of(st.emails(), hostile_text),
    password=st.one_of(hostile_text, st.just(factories.DEFAULT_PASSWORD)),
    next_url=st.one_of(st.none(), query_value),
)
def test_hostile_logins_are_refused(client, email, password, next_url):
    """V2.2.1/V16.5.3: no hostile e-mail or password logs anyone in or crashes the login;
    the form is shown again, escaped."""
    _note(email=email, password=password, next_url=next_url)
    url = "/login" + (f"?{urlencode({'next': next_url})}" if next_url is not None else "")
    response = _send(client, "POST", url, data={"email": email, "password": password})
    assert response.status_code in (200, 422, 429)
    _assert_escaped(response, email, next_url)


@fuzz(25)
@given(
    next_url=st.one_of(
        st.sampled_from(
            (
                "//evil.example/",
                "/\\evil.example",
                "\\\\evil.example",
                "/\t/evil.example",
                "/%2F%2Fevil.example",
                "https://evil.example",
                "javascript:alert(1)",
                " //evil.example",
                "/review/?cycle=2026",
                "/\r\nLocation: https://evil.example",
                "//[evil.example",
                "http://[::1",
                "/[x]",
            )
        ),
        query_value,
    )
)
@example(next_url="//[evil.example")
@example(next_url="/\r\nLocation: https://evil.example")
def test_login_redirects_only_to_this_site(app, next_url):
    """V3.7.2 (open redirect), V16.5.3: whatever ?next= says, a successful login lands on a
    path of this site."""
    _note(next_url=next_url)
    user = factories.make_user("reviewer")
    client = WebClient(app.test_client())
    response = _send(
        client,
        "POST",
        f"/login?{urlencode({'next': next_url})}",
        data={"email": user.email, "password": factories.DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # What a browser makes of it: tabs and line breaks dropped, backslashes as slashes.
    seen = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    assert not seen.startswith("//"), location
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", seen):
        assert re.match(r"https?://(localhost|granska\.test)(/|$)", seen), location


@fuzz(25)
@given(email=st.one_of(st.emails(), hostile_text))
def test_password_reset_requests_never_fail(client, email):
    """V2.2.1/V16.5.3: any address gets the same answer (a redirect) or the form again."""
    _note(email=email)
    response = _send(client, "POST", "/password/reset", data={"email": email})
    assert response.status_code in (302, 422, 429)
    _assert_escaped(response, email)


# ---------------------------------------------------------------------------------------------
# Administration: agencies, users, cycles, the agency import


def _org_numbers():
    return st.one_of(
        st.integers(min_value=0, max_value=99999).map(lambda n: with_check_digit(f"2021{n:05d}")),
        st.sampled_from(("202100-0000", "212000-0142", "121212-1212", "٢٠٢١٠٠-٠٠٠٦", "")),
        hostile_text,
    )


def _mangle(draw, form: dict, hostile: dict, max_changed: int = 3) -> dict:
    """A valid form with up to `max_changed` fields set to hostile values, and now and then
    one field left out."""
    for name in draw(st.sets(st.sampled_from(sorted(hostile)), max_size=max_changed)):
        form[name] = draw(hostile[name])
    if draw(st.integers(0, 4)) == 0:
        form.pop(draw(st.sampled_from(sorted(form))))
    return form


AGENCY_FIELDS = {
    "name": hostile_text,
    "org_number": _org_numbers(),
    "peer_group_id": st.one_of(st.sampled_from(("1", "2", "3")), hostile_int),
    "ministry": hostile_text,
    "contact_email": st.one_of(st.emails(), hostile_text),
}


@st.composite
def agency_forms(draw):
    n = draw(st.integers(min_value=0, max_value=49999))  # factories use 50000 and up
    form = {
        "name": f"Fuzzmyndigheten {n}",
        "org_number": with_check_digit(f"2021{n:05d}"),
        "peer_group_id": "1",
        "ministry": "Finansdepartementet",
        "contact_email": f"registrator{n}@fuzz.example",
    }
    return _mangle(draw, form, AGENCY_FIELDS)


@fuzz(40)
@given(form=agency_forms(), edit=st.booleans())
@example(
    form={
        "name": BLANK,
        "org_number": with_check_digit("202112345"),
        "peer_group_id": "1",
        "ministry": BLANK,
        "contact_email": "registrator@fuzz.example",
    },
    edit=False,
)
def test_an_agency_form_saves_whole_or_not_at_all(admin, form, edit):
    """V2.2.1/V2.2.2/V2.3.3/V1.2.1: an agency is added or changed only with valid values
    (name within 200 characters, a valid organisation number, a known peer group), else
    nothing changes; the list shows the name escaped."""
    _note(form=form, edit=edit)
    if edit:
        agency = factories.make_agency()
        url = f"/admin/agencies/{agency.id}/edit"
        before = _row_state(agency)
    else:
        url = "/admin/agencies/new"
    agencies = _count(Agency)
    response = _send(admin, "POST", url, data=form)
    if response.status_code != 302:
        assert _count(Agency) == agencies
        if edit:
            assert _row_state(db.session.get(Agency, before["id"])) == before
        _assert_escaped(response, *form.values())
        return
    assert _count(Agency) == agencies + (0 if edit else 1)
    # Saved as the operations keep a name: every run of whitespace (\x1f too) one space.
    name = " ".join(form["name"].split())
    saved = db.session.scalar(select(Agency).where(Agency.name == name))
    assert saved is not None and 0 < len(saved.name) <= 200, f"name {saved.name!r}"
    assert len(saved.ministry) <= 120, f"ministry {saved.ministry!r}"  # empty: under the Riksdag
    assert re.fullmatch(r"[0-9]{6}-[0-9]{4}", saved.org_number), saved.org_number
    _assert_escaped(_send(admin, "GET", "/admin/agencies"), *form.values())


USER_FIELDS = {
    "email": st.one_of(st.emails(), hostile_text),
    "name": hostile_text,
    "role": st.one_of(
        st.sampled_from(("admin", "reviewer", "agency_editor", "agency_viewer")), hostile_text
    ),
    "agency_id": st.one_of(st.sampled_from(("", "1")), hostile_int),
}


@st.composite
def user_forms(draw):
    n = draw(st.integers(min_value=0, max_value=10**6))
    form = {"email": f"fuzz{n}@myndighet.example", "name": "Fuzz Användare", "role": "reviewer"}
    form["agency_id"] = ""
    return _mangle(draw, form, USER_FIELDS)


@fuzz(40)
@given(form=user_forms(), edit=st.booleans())
@example(
    form={"email": "blank@myndighet.example", "name": BLANK, "role": "reviewer", "agency_id": ""},
    edit=False,
)
def test_a_user_form_saves_whole_or_not_at_all(admin, form, edit):
    """V2.2.1/V2.3.3/V1.2.1: a user is added or changed only with a valid address, name,
    role and (for agency roles) agency, else nothing changes; the name is shown escaped."""
    _note(form=form, edit=edit)
    agency = factories.make_agency()
    if "agency_id" in form and form["agency_id"] == "1":
        form["agency_id"] = str(agency.id)
    if edit:
        user = factories.make_user("reviewer")
        url = f"/admin/users/{user.id}/edit"
        before = _row_state(user)
    else:
        url = "/admin/users/new"
    users = _count(User)
    response = _send(admin, "POST", url, data=form)
    if response.status_code != 302:
        assert _count(User) == users
        if edit:
            assert _row_state(db.session.get(User, before["id"])) == before
        _assert_escaped(response, *form.values())
        return
    assert _count(User) == users + (0 if edit else 1)
    saved = db.session.scalar(select(User).where(User.email == form["email"].strip().lower()))
    assert saved is not None and 0 < len(saved.name) <= 200, f"name {saved.name!r}"
    assert (saved.agency_id is not None) == saved.role.startswith("agency")
    _assert_escaped(_send(admin, "GET", "/admin/users"), *form.values())


CYCLE_FIELDS = {
    "title": st.one_of(st.just("Insamling"), hostile_text),
    "opens_on": hostile_date,
    "submission_deadline": hostile_date,
    "review_deadline": hostile_date,
    "clarification_response_days": hostile_int,
    "reminder_days_before": st.one_of(
        st.sampled_from(("14, 7, 1", "90", "91", "0", "1,1,1", "14;7", "7,,1", "-1", "²")),
        hostile_text,
    ),
    "overdue_every_days": hostile_int,
    "overdue_reminders_max": hostile_int,
    "escalate_after_days": hostile_int,
}
VALID_CYCLE = {
    "title": "Insamling 2030",
    "opens_on": "2030-11-04",
    "submission_deadline": "2031-01-29",
    "review_deadline": "2031-03-31",
    "clarification_response_days": "10",
    "reminder_days_before": "14, 7, 1",
    "overdue_every_days": "7",
    "overdue_reminders_max": "3",
    "escalate_after_days": "14",
}


@st.composite
def cycle_forms(draw, with_year: bool):
    form = dict(VALID_CYCLE)
    hostile = dict(CYCLE_FIELDS)
    if with_year:
        form["year"] = str(draw(st.integers(min_value=2031, max_value=2100)))
        hostile["year"] = st.one_of(st.sampled_from(("1999", "2101", "2030")), hostile_int)
    return _mangle(draw, form, hostile)


@fuzz(40)
@given(form=cycle_forms(with_year=True))
@example(form={**VALID_CYCLE, "year": "2040", "title": BLANK})
def test_a_new_cycle_is_created_whole_or_not_at_all(admin, form):
    """V2.2.1/V2.2.2/V2.3.3: a cycle is created (with its questionnaire) only from valid,
    ordered dates and a reminder plan in range, else nothing is; its page then renders."""
    _note(form=form)
    cycles = _count(Cycle)
    response = _send(admin, "POST", "/admin/cycles/new", data=form)
    if response.status_code != 302:
        assert _count(Cycle) == cycles
        _assert_escaped(response, *form.values())
        return
    assert _count(Cycle) == cycles + 1
    cycle = db.session.scalars(select(Cycle).order_by(Cycle.id.desc())).first()
    assert 2000 <= cycle.year <= 2100
    assert 0 < len(cycle.title) <= 200, f"title {cycle.title!r}"
    assert cycle.opens_on <= cycle.submission_deadline <= cycle.review_deadline
    _assert_escaped(_send(admin, "GET", response.location), *form.values())


@pytest.fixture
def open_cycle(admin):
    cycle = factories.make_cycle(year=2030, status="open", questionnaire=True)
    factories.make_submission(cycle, factories.make_agency())
    return cycle.id


@fuzz(40)
@given(form=cycle_forms(with_year=False))
@example(form={**VALID_CYCLE, "submission_deadline": "9999-12-31", "review_deadline": "9999-12-31"})
def test_an_edited_cycle_keeps_its_pages_and_reminders_working(admin, open_cycle, form):
    """V2.2.1/V2.2.2 (dates in a sane range) and V16.5.3: an open cycle's dates and
    reminder plan change only to valid values, and whatever is saved, the cycle's page and
    the reminders planned from it still work."""
    _note(form=form)
    begin_write(db.session)
    cycle = db.session.get(Cycle, open_cycle)
    cycle.opens_on, cycle.submission_deadline = date(2030, 11, 4), date(2031, 1, 29)
    cycle.review_deadline = date(2031, 3, 31)
    db.session.commit()
    before = _row_state(cycle)
    response = _send(admin, "POST", "/admin/cycles/2030/edit", data=form)
    after = _row_state(db.session.get(Cycle, open_cycle))
    if response.status_code != 302:
        assert after == before
        _assert_escaped(response, *form.values())
    else:
        assert after["opens_on"] <= after["submission_deadline"] <= after["review_deadline"]
    _assert_escaped(_send(admin, "GET", "/admin/cycles/2030"), *form.values())
    _send(admin, "GET", "/admin/outbox/upcoming")


CSV_HEADER = ("name", "org_number", "peer_group", "ministry", "email")


@st.composite
def agency_csv_files(draw):
    kind = draw(st.sampled_from(("rows", "rows", "rows", "bytes", "big-field")))
    if kind == "bytes":
        return draw(st.binary(max_size=2048))
    delimiter = draw(st.sampled_from((",", ";", "\t", "|")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    header = list(CSV_HEADER)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header[draw(st.integers(0, 4))] = draw(hostile_text)
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 4))):
        row = {
            "name": draw(st.one_of(st.just("Importverket"), hostile_text)),
            "org_number": draw(_org_numbers()),
            "peer_group": draw(st.one_of(st.sampled_from(("other", "", "okänd")), hostile_text)),
            "ministry": draw(st.one_of(st.just("Kulturdepartementet"), hostile_text)),
            "email": draw(st.one_of(st.emails(), hostile_text)),
        }
        if kind == "big-field":
            row["name"] = "Å" * 140_000
        writer.writerow([row.get(column, "") for column in header])
    text = out.getvalue()
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "cp1252", "utf-16")))
    return text.encode(encoding, errors="replace")


_CSV_ROW = f"Importverket,{with_check_digit('202100123')},other,Kulturdepartementet,a@b.se"


@fuzz(40)
@given(content=agency_csv_files(), name=st.one_of(st.just("myndigheter.csv"), hostile_text))
# Excel's "Unicode text" export is UTF-16; a field over 128 KiB.
@example(content=f"{','.join(CSV_HEADER)}\r\n{_CSV_ROW}\r\n".encode("utf-16"), name="a.csv")
@example(content=f"{','.join(CSV_HEADER)}\n{'Å' * 140_000}{_CSV_ROW}\n".encode(), name="a.csv")
# Longer than the form allows (name 200, ministry 120) and than the columns hold.
@example(
    content=(
        f"{','.join(CSV_HEADER)}\n"
        f"{'Å' * 300},{with_check_digit('202100123')},other,{'M' * 500},a@b.se\n"
    ).encode(),
    name="a.csv",
)
def test_an_agency_import_is_all_or_nothing(admin, content, name):
    """V5.2.1/V5.2.2/V2.2.1/V2.3.3: an agency file is imported whole, each agency valid
    (name within 200 characters, ministry within 120), or refused with nothing stored; the
    error table shows the file's values escaped."""
    _note(content=content, name=name)
    before = [_row_state(agency) for agency in db.session.scalars(select(Agency))]
    response = _send(
        admin,
        "POST",
        "/admin/agencies/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    after = [_row_state(agency) for agency in db.session.scalars(select(Agency))]
    if response.status_code != 302:
        assert after == before, "a refused import changed agencies"
        _assert_escaped(response, content.decode("utf-8", "replace"), name)
        return
    for agency in after:
        assert 0 < len(agency["name"]) <= 200, len(agency["name"])
        assert len(agency["ministry"]) <= 120, len(agency["ministry"])  # empty: under the Riksdag
        assert re.fullmatch(r"[0-9]{6}-[0-9]{4}", agency["org_number"]), agency["org_number"]
    shown = _send(admin, "GET", "/admin/agencies")
    _assert_escaped(shown, content.decode("utf-8", "replace"))


@fuzz(25)
@given(chosen=st.lists(st.one_of(st.sampled_from(("1", "2", "")), hostile_int), max_size=5))
@example(chosen=["²"])
def test_participants_form_reads_any_list_of_ids(admin, chosen):
    """V2.2.1: the participants form (a list of agency ids) refuses or ignores what is not
    an agency's id, and never fails."""
    _note(chosen=chosen)
    if _count(Cycle, Cycle.year == 2030) == 0:
        factories.make_cycle(year=2030, status="planned")
    body = MultiDict([("csrf_token", admin.csrf_token()), *(("agency", v) for v in chosen)])
    _send(admin, "POST", "/admin/cycles/2030/participants", data=body)


# ---------------------------------------------------------------------------------------------
# Pages with odd query strings

QUERY_KEYS = ("page", "cycle", "status", "peer_group", "reviewer", "q", "about", "state", "kind")
query_strings = st.one_of(
    st.dictionaries(st.sampled_from(QUERY_KEYS), query_value, max_size=4).map(
        lambda pairs: list(pairs.items())
    ),
    st.lists(
        st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), hostile_text), query_value), max_size=4
    ),
)
RAW_QUERIES = st.sampled_from(("page=%ZZ", "cycle=%FF%FE", "q=%00", "page", "&&==", "a=1&a=2"))


def _query(key, value, extra, raw) -> str:
    query = urlencode([(key, value), *extra])
    return f"{raw}&{query}" if raw is not None else query


filter_value = st.one_of(st.sampled_from(FILTER_VALUES), query_value)


@pytest.mark.parametrize("path", ["/review/", "/review/questions", "/review/questions.csv"])
@fuzz(30)
@given(
    key=st.sampled_from(("cycle", "page", "peer_group", "reviewer", "status")),
    value=filter_value,
    extra=query_strings,
    raw=st.one_of(st.none(), RAW_QUERIES),
)
@example(key="cycle", value="²", extra=[], raw=None)
@example(key="peer_group", value="9" * 30, extra=[], raw=None)
@example(key="page", value="9" * 30, extra=[], raw=None)
def test_review_lists_read_any_query_string(client, in_review, path, key, value, extra, raw):
    """V2.2.1: the reviewers' filters (?cycle=, ?status=, ?peer_group=, ?reviewer=,
    ?page=) ignore or refuse values they cannot use (digits int() refuses, numbers no
    column holds), never fail; reflected values are escaped."""
    _note(key=key, value=value, extra=extra, raw=raw)
    response = _send(client, "GET", f"{path}?{_query(key, value, extra, raw)}")
    _assert_escaped(response, value, *(text for pair in extra for text in pair))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/agencies",
        "/admin/users",
        "/admin/outbox/",
        "/admin/outbox/upcoming/preview",
        "/notifications/",
    ],
)
@fuzz(25)
@given(
    key=st.sampled_from(("q", "page", "state", "kind", "key")),
    value=filter_value,
    extra=query_strings,
    raw=st.one_of(st.none(), RAW_QUERIES),
)
@example(key="page", value="9" * 30, extra=[], raw=None)
def test_admin_lists_read_any_query_string(admin, path, key, value, extra, raw):
    """V2.2.1/V1.2.1/V1.2.4: searches (?q=, with SQL fragments and LIKE wildcards), paging
    and filters never fail; the search text is shown back escaped."""
    _note(key=key, value=value, extra=extra, raw=raw)
    response = _send(admin, "GET", f"{path}?{_query(key, value, extra, raw)}")
    _assert_escaped(response, value, *(text for pair in extra for text in pair))


@pytest.mark.parametrize("page", ["", "/sections/it_costs", "/summary", "/projects", "/history"])
@fuzz(20)
@given(value=filter_value, extra=query_strings)
def test_submission_pages_read_any_query_string(client, draft, page, value, extra):
    """V2.2.1/V1.2.1: the submission's pages (?about= on the main page) ignore odd query
    strings and never reflect them raw."""
    _note(value=value, extra=extra)
    response = _send(client, "GET", f"{draft.url}{page}?{_query('about', value, extra, None)}")
    assert response.status_code == 200
    _assert_escaped(response, value, *(text for pair in extra for text in pair))


SQL_FRAGMENTS = (
    "' OR 1=1 --",
    "' OR '1'='1",
    "x' UNION SELECT password_hash FROM user_account --",
    "'; DELETE FROM agency; --",
    '" OR ""="',
    "\\' OR 1=1 --",
)


@fuzz(25)
@given(fragment=st.one_of(st.sampled_from(SQL_FRAGMENTS), hostile_fragment))
def test_searches_treat_sql_as_text(admin, fragment):
    """V1.2.4: a search for an SQL fragment finds no agency whose name does not contain it,
    and deletes nothing."""
    _note(fragment=fragment)
    if _count(Agency) == 0:
        factories.make_agency(name="Alfaverket")
    response = _send(admin, "GET", f"/admin/agencies?{urlencode({'q': fragment})}")
    if "%" not in fragment and "_" not in fragment and "'" in fragment:
        assert "Alfaverket" not in _body(response), fragment
    assert _count(Agency) == 1
    _assert_escaped(response, fragment)


# ---------------------------------------------------------------------------------------------
# Hostile workbooks: what an outside test sent. Each is answered quickly with a 4xx, stores
# nothing, and no other request fails meanwhile (the file is read with no lock held).

ONE_ROW_CELLS = 1_900_000  # about the outside test's 2 000 000, under the unpacked limit


def _rewritten(template: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The template with some parts replaced (None removes a part), as a sound zip."""
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        members = {name: package.read(name) for name in package.namelist()}
    for name, content in changes.items():
        if content is None:
            members.pop(name, None)
        else:
            members[name] = content
    return _zip(members)


def _with_rows(template: bytes, rows: bytes) -> bytes:
    """The It-kostnader sheet with more rows after its own."""
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    return _rewritten(
        template,
        {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", rows + b"</sheetData>")},
    )


def _wide_row(template: bytes) -> bytes:
    # Varied values, so the package passes the compression-ratio check as the outside test's did.
    rng = random.Random(15)
    values = [b"<c><v>%d</v></c>" % rng.randrange(10) for _ in range(ONE_ROW_CELLS)]
    return _with_rows(template, b'<row r="999">' + b"".join(values) + b"</row>")


def _big_sheet(template: bytes) -> bytes:
    """2 MB of sheet XML inside the template's shape: rows 100–1000, 40 columns of text."""
    text = b'<c t="inlineStr"><is><t>hostile text %d</t></is></c>'
    rows = b"".join(
        b'<row r="%d">' % row + b"".join(text % (row * column) for column in range(40)) + b"</row>"
        for row in range(100, 1001)
    )
    return _with_rows(template, rows)


def _doctype(template: bytes, dtd: bytes) -> bytes:
    """The workbook's custom properties (where its identity is) behind a DOCTYPE."""
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        custom = package.read("docProps/custom.xml")
    if custom.startswith(b"<?xml"):
        declaration, _, body = custom.partition(b"?>")
        custom = declaration + b"?>" + dtd + body
    else:
        custom = dtd + custom
    return _rewritten(template, {"docProps/custom.xml": custom})


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY a "'
    + b"lol" * 100
    + b'">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(6)
    )
    + b"]>"
)


UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE p [<!ENTITY x "x">]><p>&x;</p>'
).encode("utf-16")


def _macros(template: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        types = package.read("[Content_Types].xml")
    macro_type = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro_type
    )
    return _rewritten(
        template,
        {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(4096)},
    )


HOSTILE_WORKBOOKS = {
    "one-row-of-1.9-million-cells": (_wide_row, "40 kolumner"),
    "doctype-with-external-entity": (
        lambda t: _doctype(t, b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        "DOCTYPE",
    ),
    "internal-entities-billion-laughs": (lambda t: _doctype(t, LAUGHS), "DOCTYPE"),
    "doctype-in-utf-16": (
        lambda t: _rewritten(t, {"docProps/custom.xml": UTF16_DOCTYPE}),
        "DOCTYPE",
    ),
    "macro-workbook-renamed-xlsx": (_macros, "makron"),
    "2MB-sheet-xml-in-shape": (_big_sheet, "Okänd frågekod"),
}


@pytest.mark.parametrize("name", HOSTILE_WORKBOOKS)
def test_a_hostile_workbook_is_refused_quickly_and_blocks_nobody(
    app, client, draft, template, name
):
    """V5.2.2/V5.2.3: each hostile file is answered with a 4xx within 5 s of this thread's CPU
    (CPU, not wall time: a loaded machine makes the wall clock wait, not the work grow), with a
    short page; nothing is stored; and a login and a health check in another thread meanwhile
    all work (before, the upload took the write lock before parsing, and every write failed)."""
    build, expected = HOSTILE_WORKBOOKS[name]
    payload = build(template)
    assert len(payload) < 2 << 20, "the hostile file must pass the size check to test the rest"
    bystander = factories.make_user("reviewer")
    before = _stored_state(draft.id)
    others, done = [], threading.Event()

    def meanwhile():
        with app.app_context():
            other = WebClient(app.test_client())
            while not done.is_set():
                try:
                    others.append(other.get("/healthz").status_code)
                    others.append(other.login(bystander).status_code)
                    others.append(other.logout().status_code)
                except Exception as error:  # reported below, not lost in the thread
                    others.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=meanwhile, daemon=True)
    thread.start()
    started = time.thread_time()
    try:
        response = _upload(client, draft, payload)
    finally:
        elapsed = time.thread_time() - started
        done.set()
        thread.join(timeout=60)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert expected in html.unescape(body)
    assert elapsed < 5, f"{name} took {elapsed:.1f} s of CPU"
    assert len(body) < 200_000, "the error page repeats too much of the file"
    assert _stored_state(draft.id) == before
    assert others and set(others) <= {200, 302}, f"requests meanwhile: {Counter(others)}"
