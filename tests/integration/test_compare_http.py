"""The reviewer's comparison view, against hand-computed figures on a small fixed data set."""

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.review.models import Question
from app.submissions.models import Submission, SubmissionValue
from tests import factories


def _values(submission, **values):
    for code, number in values.items():
        db.session.add(
            SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(number))
        )
    db.session.commit()


def _setup(peer_count=4):
    last_cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency(name="Granskad myndighet", group="esam")
    last = factories.make_submission(last_cycle, agency, "approved")
    _values(last, users=1000, it_cost_total=40000, operating_cost=400000)
    factories.freeze(last_cycle)
    submission = factories.make_submission(cycle, agency, "in_review")
    _values(submission, users=1200, it_cost_total=60000, operating_cost=500000)
    # Peers in the same group and cycle: users 800, 1000, 1600 and a draft that must not count.
    for users, status in (
        (800, "submitted"),
        (1000, "approved"),
        (1600, "clarification"),
        (99999, "draft"),
    )[:peer_count]:
        peer = factories.make_submission(cycle, factories.make_agency(group="esam"), status)
        _values(peer, users=users, it_cost_total=users * 50, operating_cost=users * 500)
    return submission


def _row(page, code):
    start = page.index(f'id="compare-{code}"')
    return page[start : page.index("</tr>", start)].replace("\u00a0", " ").replace("&nbsp;", " ")


def test_values_beside_last_year_and_the_peer_groups_median_and_quartiles(client, login):
    submission = _setup()
    login("reviewer")
    page = client.get(f"/review/submissions/{submission.id}/compare").get_data(as_text=True)
    users = _row(page, "users")
    # The agency itself (1 200) and three handed-in peers: 800, 1 000, 1 600.
    # Median of 800, 1 000, 1 200, 1 600 = 1 100; inclusive quartiles 950 and 1 300.
    for text in ("1 200", "1 000", "+20,0 %", "1 100", "950–1 300"):
        assert text in users, (text, users)
    share = _row(page, "it_cost_share")
    # 60 000 / 500 000 = 12 %; last year 40 000 / 400 000 = 10 %: a share moves in percentage
    # points (+2), not in per cent (+20); one decimal in every cell of a share.
    for text in (">12,0</td>", ">10,0</td>", ">+2,0 procentenheter</td>", ">10,0–10,5"):
        assert text in share, (text, share)


def test_levels_points_and_zero_in_both_languages(client, login):
    last_cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency(group="esam")
    last = factories.make_submission(last_cycle, agency, "approved")
    _values(last, maturity_sourcing_current=2, maturity_sourcing_target=6, users=1000)
    _values(last, it_cost_total=40000, operating_cost=400000)
    factories.freeze(last_cycle)
    submission = factories.make_submission(cycle, agency, "in_review")
    _values(submission, maturity_sourcing_current=5, maturity_sourcing_target=5, users=1000)
    _values(submission, it_cost_total=39990, operating_cost=400000)
    login("reviewer")
    url = f"/review/submissions/{submission.id}/compare"
    page = client.get(url).get_data(as_text=True)
    assert ">+3 nivåer</td>" in _row(page, "maturity_sourcing_current")
    assert ">-1 nivå</td>" in _row(page, "maturity_sourcing_target")
    assert ">±0 %</td>" in _row(page, "users")
    # 39 990 against 40 000 is -0,025 %: it rounds to nothing, so it reads ±0, never "-0,0".
    assert ">±0 %</td>" in _row(page, "it_cost_total")
    assert ">±0 procentenheter</td>" in _row(page, "it_cost_share")
    assert '<span class="visually-hidden">(1 myndighet)</span>' in _row(page, "users")
    client.post("/language", {"lang": "en"})
    page = client.get(url).get_data(as_text=True)
    assert '<span class="visually-hidden">(1 agency)</span>' in _row(page, "users")
    assert ">+3 levels</td>" in _row(page, "maturity_sourcing_current")
    assert ">-1 level</td>" in _row(page, "maturity_sourcing_target")
    assert ">±0 percentage points</td>" in _row(page, "it_cost_share")
    assert ">39,990</td>" in _row(page, "it_cost_total")


def test_warnings_and_explanations_are_highlighted(client, login):
    submission = _setup()
    login("reviewer")
    page = client.get(f"/review/submissions/{submission.id}/compare").get_data(as_text=True)
    assert 'class="row-warning"' in _row(page, "it_cost_total")  # +50 % against last year


def test_query_count_does_not_depend_on_agencies_or_questions(client, login, count_queries):
    submission = _setup()
    reviewer = login("reviewer")
    counts = []
    for extra_agencies, extra_questions in ((0, 0), (40, 30)):
        for _ in range(extra_agencies):
            peer = factories.make_submission(
                submission.cycle, factories.make_agency(group="esam"), "submitted"
            )
            _values(peer, users=900)
        for n in range(extra_questions):
            db.session.add(
                Question(
                    submission_id=submission.id,
                    subject=f"Fråga {n}",
                    text="?",
                    raised_by_id=reviewer.id,
                )
            )
        db.session.commit()
        for path in (
            f"/review/submissions/{submission.id}/compare",
            f"/submissions/{submission.id}",
        ):
            for _view in range(2):  # the first computes the peers' statistics, the next reads them
                with count_queries() as counter:
                    assert client.get(path).status_code == 200
                counts.append((path, counter.count))
    warm = counts[1::2]
    assert warm[:2] == warm[2:], counts
    # Computing a peer group's statistics (this cycle's, last year's) is two queries each:
    # the submissions and their values; the very first view also reads the questionnaires of
    # both cycles (items, rules, key figures, sections) and compares them, once per process.
    assert all(
        first <= then + 12 for (_, first), (_, then) in zip(counts[::2], warm, strict=True)
    ), counts


def test_a_peers_save_is_in_the_next_comparison(client, login):
    from app.submissions.answers import save_section

    submission = _setup()
    login("reviewer")
    url = f"/review/submissions/{submission.id}/compare"
    assert "1 100" in _row(client.get(url).get_data(as_text=True), "users")
    peer = db.session.scalar(
        select(Submission).where(
            Submission.cycle_id == submission.cycle_id, Submission.status == "clarification"
        )
    )
    editor = factories.make_user("agency_editor", agency=peer.agency)
    outcome = save_section(peer, "it_costs", {"users--outcome": "2000"}, peer.version, editor, "ny")
    assert outcome.changed == 1
    db.session.commit()
    # Now 800, 1 000, 1 200, 2 000: the median is 1 100 still, the upper quartile 1 400.
    assert "950–1 400" in _row(client.get(url).get_data(as_text=True), "users")


def test_agencies_cannot_see_the_comparison(client, login):
    submission = _setup()
    login("agency_editor", agency=submission.agency)
    assert client.get(f"/review/submissions/{submission.id}/compare").status_code == 403


def test_a_question_from_the_comparison_records_the_value_and_shows_a_correction(client, login):
    submission = _setup()
    reviewer = login("reviewer")
    compared = client.get(f"/review/submissions/{submission.id}/compare").get_data(as_text=True)
    ask = f'href="/submissions/{submission.id}?about=users#raise-question"'
    assert ask in _row(compared, "users")
    page = client.get(f"/submissions/{submission.id}?about=users").get_data(as_text=True)
    assert '<option value="item:users" selected>' in page
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "item:users", "text": "Stämmer ökningen?"},
    )
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    assert (question.item_code, question.value_at_raise) == ("users", "1200.00")
    client.post(f"/submissions/{submission.id}/transitions/request_clarification")
    client.logout()
    login("agency_editor", agency=submission.agency)
    version = db.session.get(Submission, submission.id).version
    client.post(
        f"/submissions/{submission.id}/sections/it_costs",
        {"version": str(version), "users--outcome": "1 150", "reason": "Räknade fel"},
    )
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Värde när frågan ställdes: 1\u00a0200" in page
    assert "nu 1\u00a0150" in page
    assert reviewer.id


def test_a_view_reads_the_questionnaire_and_last_year_once(client, login, count_queries):
    # The comparison asks for the questionnaire, last year's cycle, submission and answers
    # from several places (the rows, the warnings, the peer ranges): each is read once.
    submission = _setup()
    login("reviewer")
    for path in (f"/review/submissions/{submission.id}/compare", f"/submissions/{submission.id}"):
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        reads = [" ".join(s.split()) for s in counter.statements]
        assert sum("FROM cycle WHERE cycle.year <" in s for s in reads) <= 1, (path, reads)
        # This year's questionnaire and last year's (what changed: series breaks), once each.
        assert sum("FROM questionnaire_item" in s for s in reads) <= 2, (path, reads)
        # This year's answers and last year's, the value columns only: one statement each.
        values = [s for s in reads if "FROM submission_value" in s]
        assert len(values) <= 2, (path, values)
