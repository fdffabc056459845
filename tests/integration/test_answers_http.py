"""Filling in a submission through the web: sections, Swedish numbers, errors next to the
field with the typed text kept, sums, key figures, conflicts and corrections in clarification."""

from decimal import Decimal

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_service import ItemWording, update_item
from app.extensions import db
from app.submissions.models import Submission, SubmissionValue
from tests import factories

IT_COSTS = "sections/it_costs"


def _draft(status="draft", **cycle_fields):
    cycle = factories.make_cycle(questionnaire=True, **cycle_fields)
    agency = factories.make_agency(name="Bolagsverket")
    return agency, factories.make_submission(cycle, agency, status)


def _value(submission, code, period="outcome"):
    return db.session.scalar(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == submission.id,
            SubmissionValue.item_code == code,
            SubmissionValue.period == period,
        )
    )


def _version(submission):
    return db.session.scalar(select(Submission.version).where(Submission.id == submission.id))


def _save(client, submission, data, section=IT_COSTS, version=None):
    form = {"version": str(version if version is not None else _version(submission)), **data}
    return client.post(f"/submissions/{submission.id}/{section}", form)


def test_swedish_numbers_are_saved_and_shown_back_in_swedish(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    response = _save(
        client,
        submission,
        {
            "operating_cost--outcome": "1 250 000",
            "it_cost_total--outcome": "187 500 kr",
            "internal_it_staff--outcome": "85,5",
        },
    )
    assert response.status_code == 302
    assert _value(submission, "operating_cost") == Decimal(1250000)
    assert _value(submission, "it_cost_total") == Decimal(187500)
    assert _value(submission, "internal_it_staff") == Decimal("85.5")
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert 'value="1\u00a0250\u00a0000"' in page and 'value="85,5"' in page
    assert "15,0\u00a0%" in page  # IT cost as a share of operating cost: 187 500 / 1 250 000


def test_bad_input_is_explained_kept_and_the_rest_saved(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    response = _save(
        client,
        submission,
        {
            "operating_cost--outcome": "1.250",
            "it_cost_total--outcome": "tolv",
            "users--outcome": "-5",
            "workstations--outcome": "2 600",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="1.250"' in page and 'value="tolv"' in page and 'value="-5"' in page
    assert "Använd decimalkomma" in page
    assert "Ange beloppet med siffror, till exempel 480 000" in page  # "tolv": words, not digits
    assert "Ange 0 eller mer." in page
    assert '<a href="#operating_cost--outcome">' in page
    assert _value(submission, "workstations") == Decimal(2600)  # the valid one is kept
    assert _value(submission, "operating_cost") is None


def test_parts_that_do_not_add_up_are_shown_with_the_difference(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _save(
        client,
        submission,
        {
            "it_cost_total--outcome": "1 000",
            "it_cost_internal_staff--outcome": "600",
            "it_cost_consultants--outcome": "500",
        },
    )
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert "Kostnadsposterna ska summera till den totala it-kostnaden." in page
    assert "100 från totalen" in page.replace("\u00a0", " ")


def test_a_ratio_over_zero_shows_not_computable(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _save(client, submission, {"operating_cost--outcome": "0", "it_cost_total--outcome": "5"})
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert "inte beräkningsbar" in page


def test_a_save_on_an_old_version_shows_what_changed_and_keeps_the_input(client, login, app):
    from tests.conftest import WebClient

    agency, submission = _draft()
    first = factories.make_user("agency_editor", agency=agency, name="Första Redaktören")
    second = WebClient(app.test_client())
    second.login(factories.make_user("agency_editor", agency=agency))
    client.login(first)
    old_version = _version(submission)
    assert _save(client, submission, {"users--outcome": "2 400"}).status_code == 302
    response = _save(second, submission, {"users--outcome": "2 500"}, version=old_version)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Första Redaktören" in page and "Antal användare" in page
    assert 'value="2 500"' in page  # their input stays on screen
    assert _value(submission, "users") == Decimal(2400)
    assert _save(second, submission, {"users--outcome": "2 500"}).status_code == 302
    assert _value(submission, "users") == Decimal(2500)


def test_values_cannot_be_changed_once_submitted(client, login):
    agency, submission = _draft("submitted")
    login("agency_editor", agency=agency)
    assert _save(client, submission, {"users--outcome": "1"}).status_code == 403
    assert _value(submission, "users") is None


def test_corrections_in_clarification_need_a_reason_and_are_audited(client, login):
    agency, submission = _draft("clarification")
    editor = login("agency_editor", agency=agency)
    refused = _save(client, submission, {"users--outcome": "2 400"})
    assert refused.status_code == 422
    assert "Ange varför du ändrar värdena." in refused.get_data(as_text=True)
    assert _value(submission, "users") is None
    _save(client, submission, {"users--outcome": "2 400", "reason": "Fel i förra svaret"})
    _save(client, submission, {"users--outcome": "2 450", "reason": "Räknade om"})
    events = list(
        db.session.execute(
            select(
                AuditEvent.name,
                AuditEvent.from_value,
                AuditEvent.to_value,
                AuditEvent.comment,
                AuditEvent.actor_id,
            )
            .where(AuditEvent.kind == "value_change")
            .order_by(AuditEvent.id)
        )
    )
    assert events == [
        ("users:outcome", None, "2400.00", "Fel i förra svaret", editor.id),
        ("users:outcome", "2400.00", "2450.00", "Räknade om", editor.id),
    ]


def test_viewers_reviewers_and_other_agencies_cannot_save(client, login):
    agency, submission = _draft()
    for role, agency_of_user, expected in (
        ("agency_viewer", agency, 403),
        ("agency_editor", factories.make_agency(), 404),
        ("reviewer", None, 403),
    ):
        login(role, agency=agency_of_user)
        assert _save(client, submission, {"users--outcome": "1"}).status_code == expected
        client.logout()
    assert db.session.scalar(select(func.count(SubmissionValue.id))) == 0


def test_reviewer_reads_the_answers_without_inputs(client, login):
    _, submission = _draft("in_review")
    db.session.add(
        SubmissionValue(submission_id=submission.id, item_code="users", number=Decimal(2400))
    )
    db.session.commit()
    login("reviewer")
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert "2\u00a0400" in page and 'name="users--outcome"' not in page


def test_submit_is_refused_until_the_questionnaire_is_complete(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Ej påbörjad" in page
    response = client.post(f"/submissions/{submission.id}/transitions/submit")
    assert response.status_code == 409
    assert db.session.get(Submission, submission.id).status == "draft"


def test_maturity_target_below_current_needs_a_comment(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _save(
        client,
        submission,
        {"maturity_sourcing_current--outcome": "5", "maturity_sourcing_target--outcome": "3"},
        section="sections/maturity",
    )
    page = client.get(f"/submissions/{submission.id}/sections/maturity").get_data(as_text=True)
    assert "Målet är lägre än nuläget: förklara varför i kommentaren." in page
    _save(
        client,
        submission,
        {"maturity_sourcing_comment--outcome": "Vi lägger ned."},
        section="sections/maturity",
    )
    page = client.get(f"/submissions/{submission.id}/sections/maturity").get_data(as_text=True)
    assert "Målet är lägre än nuläget" not in page
    bad = _save(
        client, submission, {"maturity_sourcing_current--outcome": "9"}, section="sections/maturity"
    )
    assert "Ange 7 eller mindre." in bad.get_data(as_text=True)


def _fill_everything(client, submission, **overrides):
    from app.demo_values import demo_answers

    form = demo_answers("202100-5448", "esam", submission.cycle.year)
    form.update(overrides)
    for section in ("it_costs", "maturity"):
        assert _save(client, submission, form, section=f"sections/{section}").status_code == 302


def test_check_your_answers_lists_errors_linked_to_their_fields(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _save(client, submission, {"users--outcome": "2 400"})
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    assert "svar måste rättas innan inlämning" in page
    assert f'href="/submissions/{submission.id}/sections/it_costs#operating_cost--outcome"' in page
    assert "/transitions/submit" not in page


def test_a_complete_submission_can_be_submitted_from_the_summary(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _fill_everything(client, submission)
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    assert "Alla obligatoriska svar finns och det finns inga fel." in page
    assert f"/submissions/{submission.id}/transitions/submit" in page
    assert client.post(f"/submissions/{submission.id}/transitions/submit").status_code == 302
    assert db.session.get(Submission, submission.id).status == "submitted"


def test_large_changes_are_warnings_the_agency_explains_and_the_reviewer_reads(client, login):
    last_cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    agency, submission = _draft(year=2026)
    last = factories.make_submission(last_cycle, agency, "approved")
    db.session.add(
        SubmissionValue(submission_id=last.id, item_code="it_cost_total", number=Decimal(100000))
    )
    db.session.commit()
    factories.freeze(last_cycle)
    login("agency_editor", agency=agency)
    _save(client, submission, {"it_cost_total--outcome": "180 000"})
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    assert "Ändrat med +80 % sedan förra året (100 000)" in page.replace("\u00a0", " ")
    client.post(
        f"/submissions/{submission.id}/explanations",
        {"explain:it_cost_total:outcome": "Nytt datacenter.", "explain:made_up:outcome": "ignored"},
    )
    client.logout()
    login("reviewer")
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    assert "Nytt datacenter." in page and "ignored" not in page
    refused = client.post(
        f"/submissions/{submission.id}/explanations",
        {"explain:it_cost_total:outcome": "Granskaren skriver"},
    )
    assert refused.status_code == 403


def test_the_change_threshold_is_a_setting(client, login, app):
    last_cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    agency, submission = _draft(year=2026)
    last = factories.make_submission(last_cycle, agency, "approved")
    db.session.add(SubmissionValue(submission_id=last.id, item_code="users", number=Decimal(1000)))
    db.session.commit()
    factories.freeze(last_cycle)
    login("agency_editor", agency=agency)
    _save(client, submission, {"users--outcome": "1 200"})  # +20 %
    summary = f"/submissions/{submission.id}/summary"
    assert "Ändrat med +20" not in client.get(summary).get_data(as_text=True)
    app.config["PLAUSIBILITY_CHANGE_THRESHOLD"] = "0.10"
    try:
        assert "Ändrat med +20" in client.get(summary).get_data(as_text=True)
    finally:
        app.config["PLAUSIBILITY_CHANGE_THRESHOLD"] = "0.30"


def test_a_failed_save_says_error_in_the_title_and_a_save_returns_to_its_group(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert "<title>Fel:" not in page
    assert 'name="return_to" value="heading-people"' in page  # a save button in each group

    failed = _save(client, submission, {"it_cost_total--outcome": "ca 37 000"}).get_data(
        as_text=True
    )
    assert "<title>Fel: " in failed
    assert 'class="error-summary" role="alert" autofocus' in failed  # focus moves to it

    saved = _save(client, submission, {"users--outcome": "1200", "return_to": "heading-people"})
    assert saved.headers["Location"].endswith(f"/{IT_COSTS}#heading-people")
    # Only a group of the page: anything else returns to the top.
    elsewhere = _save(client, submission, {"users--outcome": "1300", "return_to": "//evil"})
    assert elsewhere.headers["Location"].endswith(f"/{IT_COSTS}")


def test_the_summary_of_what_is_left_is_no_error_page(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    assert "<title>Fel:" not in page


def test_no_warnings_claims_no_match_with_a_last_year_that_does_not_exist(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = " ".join(client.get(f"/submissions/{submission.id}/summary").text.split())
    assert "Det finns ingen godkänd inlämning från förra året att jämföra med" in page
    assert "stämmer med förra året" not in page


def test_a_new_draft_says_which_sections_are_left_not_every_empty_field(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = " ".join(client.get(f"/submissions/{submission.id}/summary").text.split())
    assert "2 avsnitt kvar" in page
    assert (
        f'href="/submissions/{submission.id}/sections/it_costs">It-kostnader</a>: inte påbörjat'
        in page
    )
    assert "svar måste rättas" not in page  # the empty fields are not listed as errors
    assert "”Lämna in” går inte än:</strong> 2 avsnitt återstår att fylla i." in page
    show = " ".join(client.get(f"/submissions/{submission.id}").text.split())
    assert "2 avsnitt återstår att fylla i." in show and "fel måste rättas" not in show

    # Once a section is started, what it still lacks is listed answer by answer.
    _save(client, submission, {"users--outcome": "2 400"})
    page = " ".join(client.get(f"/submissions/{submission.id}/summary").text.split())
    assert "It-kostnader</a>: " in page and "obligatoriska svar saknas" in page
    assert "Mognad</a>: inte påbörjat" in page
    assert f'href="/submissions/{submission.id}/sections/it_costs#operating_cost--outcome"' in page


def test_check_your_answers_shows_comments_as_paragraphs_and_every_project(client, login):
    from tests.integration.test_projects_http import FORM

    agency, submission = _draft()
    login("agency_editor", agency=agency)
    comment = "Ny styrmodell under året.\r\n\r\nFöljs upp kvartalsvis.\r\nNästa steg: portföljen."
    _fill_everything(client, submission, **{"maturity_governance_comment--outcome": comment})
    project = {**FORM, "description": "Ersätter tre system.\r\n\r\nFörsta etappen klar 2026."}
    assert client.post(f"/submissions/{submission.id}/projects/new", project).status_code == 302
    page = client.get(f"/submissions/{submission.id}/summary").text
    assert '<p class="text">Ny styrmodell under året.</p>' in page
    assert '<p class="text">Följs upp kvartalsvis.\r\nNästa steg: portföljen.</p>' in page
    assert "Nytt ärendehanteringssystem</h3>" in page
    assert '<p class="text">Första etappen klar 2026.</p>' in page
    assert "Dagar per ärende" in page and "Effektivisera verksamheten" in page
    # The comment is prose under its own heading, not a cell of the number table.
    table_cells = page.split("<table")[2].split("</table>")[0]
    assert "Ny styrmodell" not in table_cells


def test_a_save_parses_the_form_before_it_takes_the_write_lock(client, login, count_queries):
    """The lock (BEGIN IMMEDIATE on SQLite, the submission's FOR UPDATE on PostgreSQL) is held
    for the version check and the writes only: the questionnaire is read and every field parsed
    and checked before it, and nothing of the questionnaire is read under it."""
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    form = {"operating_cost--outcome": "1 250 000", "users--outcome": "tolv"}
    with count_queries() as counter:
        response = _save(client, submission, form)
    assert response.status_code == 422  # "tolv" refused, the rest saved
    assert _value(submission, "operating_cost") == Decimal(1250000)
    statements = [s.upper() for s in counter.statements]
    locked = next(
        i for i, s in enumerate(statements) if "BEGIN IMMEDIATE" in s or "FOR UPDATE" in s
    )
    committed_writes = [i for i, s in enumerate(statements) if "INSERT INTO SUBMISSION_VALUE" in s]
    assert committed_writes and locked < committed_writes[0]
    items_read = [i for i, s in enumerate(statements) if "FROM QUESTIONNAIRE_ITEM" in s]
    assert items_read[0] < locked
    # After the lock the questionnaire is read again only to draw the page of errors, after
    # the commit: never between the lock and the last write.
    assert not [i for i in items_read if locked < i < committed_writes[-1]]


def test_an_open_cycles_questionnaire_is_read_once_per_process_and_a_planned_ones_each_view(
    client, login, count_queries
):
    """A questionnaire changes only while its cycle is planned. While planned, a change shows at
    the next view; once the cycle is open, its section pages read no questionnaire at all."""
    agency, submission = _draft(status="draft")
    cycle = submission.cycle
    cycle.status = "planned"
    db.session.commit()
    item = db.session.scalar(
        select(QuestionnaireItem).where(
            QuestionnaireItem.cycle_id == cycle.id, QuestionnaireItem.code == "operating_cost"
        )
    )
    login("agency_editor", agency=agency)
    client.get(f"/submissions/{submission.id}/{IT_COSTS}")  # a planned one: read, not kept
    wording = {
        name: getattr(item, name)
        for name in ItemWording.__dataclass_fields__
        if name not in ("label_sv",)
    }
    update_item(cycle, item, ItemWording(label_sv="Driftkostnad, ny lydelse", **wording))
    cycle.status = "open"
    db.session.commit()
    page = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert "Driftkostnad, ny lydelse" in page
    with count_queries() as counter:
        again = client.get(f"/submissions/{submission.id}/{IT_COSTS}").get_data(as_text=True)
    assert again.count("Driftkostnad, ny lydelse") == page.count("Driftkostnad, ny lydelse")
    assert not [s for s in counter.statements if "from questionnaire_" in s.lower()]


def test_each_page_of_a_submission_reads_its_values_once(client, login, count_queries):
    # The checks, the progress, the table and the question threads of a page all read the
    # submission's values: one statement a page, the value columns only.
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    _save(client, submission, {"operating_cost--outcome": "1 250 000", "users--outcome": "80"})
    for path in ("", "/summary", f"/{IT_COSTS}"):
        url = f"/submissions/{submission.id}{path}"
        client.get(url)
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        reads = [" ".join(s.split()) for s in counter.statements if "submission_value" in s]
        assert len(reads) == 1, (path, reads)
        assert "submission_value.updated_by_id" not in reads[0], path
        if path:
            assert "1\u00a0250\u00a0000" in page, path


def test_each_corrected_value_says_how_many_times_it_was_changed(client, login):
    from datetime import timedelta

    from app.timeutil import utcnow

    agency, submission = _draft("clarification")
    submission.submitted_at = utcnow() - timedelta(days=3)
    db.session.commit()
    editor = login("agency_editor", agency=agency)
    _save(client, submission, {"users--outcome": "2 400", "reason": "Fel i förra svaret"})
    _save(client, submission, {"users--outcome": "2 450", "reason": "Räknade om"})
    _save(client, submission, {"operating_cost--outcome": "900 000", "reason": "Ny siffra"})
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    # Twice for the users, once for the operating cost: never the last-changed item's count.
    assert page.count("ändrat 2 gånger") == 1
    assert "ändrat 1 gång" not in page
    users_row = page[page.index("Räknade om") - 2000 : page.index("Räknade om") + 500]
    assert "ändrat 2 gånger" in users_row
    assert f"{editor.name}, " in users_row  # who made the latest change
