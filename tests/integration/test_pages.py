"""The landing pages of each role show real rows; errors and health have their own pages."""

from datetime import timedelta

from app.extensions import db
from app.timeutil import today_in_stockholm
from tests import factories


def _cycle_with_submissions(agency_count: int, year: int = 2026):
    cycle = factories.make_cycle(year=year)
    states = ["draft", "submitted", "in_review", "clarification", "approved"]
    agencies = [factories.make_agency() for _ in range(agency_count)]
    for index, agency in enumerate(agencies):
        factories.make_submission(cycle, agency, states[index % len(states)])
    return cycle, agencies


def test_agency_overview_shows_own_submissions_with_deadline(client, login):
    agency = factories.make_agency(name="Bolagsverket")
    deadline = today_in_stockholm() + timedelta(days=12)
    cycle = factories.make_cycle(year=2026, submission_deadline=deadline)
    old = factories.make_cycle(year=2025, status="closed")
    factories.make_submission(cycle, agency)
    factories.make_submission(old, agency, "approved")
    factories.freeze(old)
    factories.make_submission(cycle, factories.make_agency(name="Någon annan"))
    login("agency_viewer", agency=agency)
    page = client.get("/agency/").get_data(as_text=True)
    assert "<h1>Bolagsverket</h1>" in page
    assert "12 dagar kvar" in page
    assert page.index("Insamling 2026") < page.index("Insamling 2025")  # newest first
    assert "Någon annan" not in page
    assert "Utkast" in page and "Godkänd" in page


def test_overdue_draft_says_so(client, login):
    agency = factories.make_agency()
    cycle = factories.make_cycle(submission_deadline=today_in_stockholm() - timedelta(days=3))
    factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    assert "3 dagar försenad" in client.get("/agency/").get_data(as_text=True)


def test_review_queue_filters_by_status_and_peer_group(client, login):
    _cycle_with_submissions(10)
    university = factories.make_agency(name="Lunds universitet", group="higher_education")
    factories.make_submission(factories.make_cycle(year=2027), university, "submitted")
    login("reviewer")
    everything = client.get("/review/?cycle=").get_data(as_text=True)
    assert "11 inlämningar" in everything
    latest = client.get("/review/").get_data(as_text=True)  # defaults to the newest cycle
    assert "1 inlämningar" in latest and "Lunds universitet" in latest
    submitted = client.get("/review/?cycle=2026&status=submitted").get_data(as_text=True)
    assert "2 inlämningar" in submitted
    group = factories.peer_group("higher_education").id
    only_universities = client.get(f"/review/?cycle=&peer_group={group}").get_data(as_text=True)
    assert "1 inlämningar" in only_universities
    assert client.get("/review/?status=bogus&peer_group=x").status_code == 200


def test_review_queue_row_names_agency_group_cycle_state_wait_and_reviewer(client, login):
    """The list reads its columns only (no submission objects): each still shows all of it,
    the peer group in the reader's language."""
    from datetime import timedelta

    from app.timeutil import utcnow

    cycle = factories.make_cycle(year=2026)
    agency = factories.make_agency(name="Lunds universitet", group="higher_education")
    submission = factories.make_submission(cycle, agency, "submitted")
    reviewer = factories.make_user("reviewer", name="Greta Granskare")
    submission.reviewer_id, submission.submitted_late = reviewer.id, True
    submission.submitted_at = utcnow() - timedelta(days=4)
    db.session.commit()
    factories.make_submission(cycle, factories.make_agency(name="Bolagsverket"), "in_review")
    client.login(reviewer)
    page = client.get("/review/?cycle=2026").get_data(as_text=True)
    row = page[page.index("Lunds universitet") :].split("</tr>")[0]
    assert f'href="/submissions/{submission.id}"' in page
    assert "Universitet och högskolor" in row and "2026" in row and "Inlämnad" in row
    assert "Sen" in row and "4 dagar sedan inlämning" in row and "Greta Granskare" in row
    other = page[page.index("Bolagsverket") :].split("</tr>")[0]
    assert "–" in other  # no reviewer yet
    client.post("/language", {"lang": "en"})
    english = client.get("/review/?cycle=2026").get_data(as_text=True)
    assert (
        "Universities and university colleges"
        in english[english.index("Lunds universitet") :].split("</tr>")[0]
    )


def test_admin_overview_counts_states_per_cycle(client, login):
    _cycle_with_submissions(10)
    factories.make_agency(active=False)
    login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Inlämningar per status (10 myndigheter)" in page
    assert "20\xa0%" in page  # each of five states holds two of ten
    assert "10 aktiva myndigheter, 1 inaktiva." in page


def test_overview_query_counts_do_not_grow_with_agencies(client, login, count_queries):
    login("admin")
    counts = {}
    for size, year in ((5, 2026), (60, 2025)):
        _cycle_with_submissions(size, year)
        for path in ("/admin/", "/review/?cycle=", "/admin/agencies", "/admin/users"):
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts.setdefault(path, []).append(counter.count)
    for path, (small, large) in counts.items():
        assert small == large, (path, small, large)


def test_agency_overview_query_count_does_not_grow_with_cycles(client, login, count_queries):
    agency = factories.make_agency()
    login("agency_editor", agency=agency)
    counts = []
    for year in (2020, 2021, 2022, 2023):
        factories.make_submission(factories.make_cycle(year=year), agency)
        with count_queries() as counter:
            client.get("/agency/")
        counts.append(counter.count)
    assert len(set(counts)) == 1, counts


def test_not_found_page_is_in_the_layout_without_internals(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Sidan hittades inte" in page and 'class="skip-link"' in page
    assert "Traceback" not in page


def test_server_error_page_shows_a_request_id_and_no_trace(app):
    from app import create_app

    failing = create_app({**app.config, "PROPAGATE_EXCEPTIONS": False, "TESTING": False})

    @failing.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = failing.test_client().get("/__boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Något gick fel" in page and response.headers["X-Request-Id"] in page
    assert "secret internals" not in page and "Traceback" not in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


def test_queue_shows_how_many_questions_the_agency_has_answered(client, login):
    from app.review.models import Question

    cycle = factories.make_cycle()
    submission = factories.make_submission(cycle, factories.make_agency(), "clarification")
    reviewer = factories.make_user("reviewer")
    for status in ("answered", "open"):
        db.session.add(
            Question(
                submission_id=submission.id,
                subject="X",
                text="Y",
                status=status,
                raised_by_id=reviewer.id,
            )
        )
    db.session.commit()
    client.login(reviewer)
    page = client.get("/review/?status=clarification").get_data(as_text=True)
    assert "1 av 2 besvarade" in page
