"""The question workflow's table, without a database: who may do what to a question, when."""

import pytest

from workflows.question import QUESTION_WORKFLOW, QuestionFacts, QuestionStatus

Q = QuestionStatus


def _facts(role="reviewer", submission="in_review", sent=False, reason="Fel fråga", owner=False):
    return QuestionFacts(role, owner, submission, sent, reason)


def _code(trigger, state, **facts):
    refusal = QUESTION_WORKFLOW.check(trigger, state, _facts(**facts))
    return refusal.code if refusal else None


@pytest.mark.parametrize("trigger", ["edit", "withdraw"])
def test_a_reviewer_edits_or_withdraws_a_question_only_before_it_is_sent(trigger):
    assert _code(trigger, Q.OPEN) is None
    assert _code(trigger, Q.OPEN, sent=True) == "already_sent"
    assert _code(trigger, Q.OPEN, submission="clarification") == "submission_not_in_review"
    assert _code(trigger, Q.ANSWERED) == "not_from_state"


def test_withdrawing_and_closing_need_a_reason_resolving_and_sending_back_too():
    for trigger, state, sent in [
        ("withdraw", Q.OPEN, False),
        ("close", Q.OPEN, True),
        ("resolve", Q.ANSWERED, True),
        ("send_back", Q.ANSWERED, True),
    ]:
        assert _code(trigger, state, sent=sent, reason="  ") == "reason_required", trigger
        assert _code(trigger, state, sent=sent) is None, trigger


def test_only_a_sent_open_question_is_closed_without_an_answer():
    assert _code("close", Q.OPEN, sent=True) is None
    assert _code("close", Q.OPEN) == "not_sent"
    assert _code("close", Q.ANSWERED, sent=True) == "not_from_state"
    assert QUESTION_WORKFLOW.fire("close", Q.OPEN) == Q.CLOSED


def test_the_agency_answers_only_its_own_sent_questions_during_clarification():
    editor = {"role": "agency_editor", "submission": "clarification", "sent": True}
    assert _code("answer", Q.OPEN, owner=True, **editor) is None
    assert _code("answer", Q.ANSWERED, owner=True, **editor) is None  # may change the answer
    assert _code("answer", Q.OPEN, owner=False, **editor) == "not_own_agency"
    assert _code("answer", Q.OPEN, owner=True, role="agency_editor", sent=False,
                 submission="clarification") == "not_sent"  # fmt: skip
    for settled in (Q.RESOLVED, Q.CLOSED, Q.WITHDRAWN):
        assert _code("answer", settled, owner=True, **editor) == "not_from_state"


@pytest.mark.parametrize("trigger", ["raise", "edit", "withdraw", "resolve", "send_back", "close"])
def test_only_reviewers_act_on_questions_for_the_authority(trigger):
    row = QUESTION_WORKFLOW.table[trigger]
    state = row.sources[0]
    assert _code(trigger, state, role="admin", sent=True) == "role"
    assert _code(trigger, state, role="agency_editor", owner=True, sent=True) == "role"


def test_settled_questions_are_final():
    for settled in (Q.RESOLVED, Q.CLOSED, Q.WITHDRAWN):
        assert QUESTION_WORKFLOW.triggers_from(settled, "reviewer") == []
        assert QUESTION_WORKFLOW.triggers_from(settled, "agency_editor") == []
