"""The submission workflow table, without a database: every (state, trigger) pair."""

import pytest
from transitions import MachineError

from workflows.submission import SUBMISSION_WORKFLOW, SubmissionFacts, SubmissionStatus

S = SubmissionStatus
ROLE_OF = {
    "submit": "agency_editor",
    "withdraw": "agency_editor",
    "answer_clarification": "agency_editor",
    "start_review": "reviewer",
    "request_clarification": "reviewer",
    "approve": "reviewer",
    "reopen": "admin",
    "exempt": "admin",
    "reinstate": "admin",
}
# Where each trigger leads from each state it may fire in; every other pair is refused.
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("submitted", "withdraw"): "draft",
    ("submitted", "start_review"): "in_review",
    ("in_review", "request_clarification"): "clarification",
    ("clarification", "answer_clarification"): "in_review",
    ("in_review", "approve"): "approved",
    ("approved", "reopen"): "in_review",
    ("draft", "exempt"): "exempted",
    ("submitted", "exempt"): "exempted",
    ("exempted", "reinstate"): "draft",
}
PAIRS = [(state.value, trigger) for state in S for trigger in ROLE_OF]


def _facts(trigger, **overrides):
    values = {
        "actor_role": ROLE_OF[trigger],
        "actor_is_owner": True,
        "cycle_status": "open",
        "open_questions": 1,
        "reason": "a reason",
    }
    values.update(overrides)
    return SubmissionFacts(**values)


@pytest.mark.parametrize(("state", "trigger"), PAIRS)
def test_every_state_and_trigger(state, trigger):
    facts = _facts(trigger)
    if trigger == "approve":
        facts = _facts(trigger, open_questions=0)
    refusal = SUBMISSION_WORKFLOW.check(trigger, state, facts)
    if (state, trigger) in ALLOWED:
        assert refusal is None
        assert SUBMISSION_WORKFLOW.fire(trigger, state) == ALLOWED[(state, trigger)]
    else:
        expected = "already_in_state" if _dest(trigger) == state else "not_from_state"
        assert refusal.code == expected
        with pytest.raises(MachineError):
            SUBMISSION_WORKFLOW.fire(trigger, state)


def _dest(trigger):
    return str(SUBMISSION_WORKFLOW.table[trigger].dest)


@pytest.mark.parametrize(("state", "trigger"), list(ALLOWED))
def test_only_the_named_role_may_fire(state, trigger):
    for role in ("agency_editor", "agency_viewer", "reviewer", "admin"):
        refusal = SUBMISSION_WORKFLOW.check(
            trigger, state, _facts(trigger, actor_role=role, open_questions=0)
        )
        if role == ROLE_OF[trigger]:
            assert refusal is None or refusal.code not in ("role", "not_own_agency")
        else:
            assert refusal.code == "role"
            assert refusal.params["roles"] == [ROLE_OF[trigger]]


@pytest.mark.parametrize(
    ("state", "trigger", "facts", "code", "params"),
    [
        (
            "draft",
            "submit",
            {"cycle_status": "closed"},
            "cycle_not_open",
            {"cycle_status": "closed"},
        ),
        (
            "draft",
            "submit",
            {"cycle_status": "planned"},
            "cycle_not_open",
            {"cycle_status": "planned"},
        ),
        ("draft", "submit", {"blocking_errors": 3}, "blocking_errors", {"n": 3}),
        ("draft", "submit", {"actor_is_owner": False}, "not_own_agency", {}),
        (
            "submitted",
            "withdraw",
            {"cycle_status": "closed"},
            "cycle_not_open",
            {"cycle_status": "closed"},
        ),
        ("in_review", "request_clarification", {"open_questions": 0}, "no_open_questions", {}),
        (
            "clarification",
            "answer_clarification",
            {"unanswered_questions": 2},
            "unanswered_questions",
            {"n": 2},
        ),
        ("clarification", "answer_clarification", {"actor_is_owner": False}, "not_own_agency", {}),
        ("in_review", "approve", {"unresolved_questions": 3}, "unresolved_questions", {"n": 3}),
        ("approved", "reopen", {"reason": "  "}, "reason_required", {"trigger": "reopen"}),
        (
            "approved",
            "reopen",
            {"cycle_status": "approved"},
            "cycle_frozen",
            {"cycle_status": "approved"},
        ),
        (
            "approved",
            "reopen",
            {"cycle_status": "published"},
            "cycle_frozen",
            {"cycle_status": "published"},
        ),
        ("draft", "exempt", {"reason": ""}, "reason_required", {"trigger": "exempt"}),
        (
            "exempted",
            "reinstate",
            {"cycle_status": "approved"},
            "cycle_frozen",
            {"cycle_status": "approved"},
        ),
        (
            "submitted",
            "start_review",
            {"cycle_status": "published"},
            "cycle_frozen",
            {"cycle_status": "published"},
        ),
    ],
)
def test_guards_refuse_with_the_precise_reason(state, trigger, facts, code, params):
    refusal = SUBMISSION_WORKFLOW.check(trigger, state, _facts(trigger, **facts))
    assert (refusal.code, refusal.params) == (code, params)


def test_late_submission_is_allowed_while_the_cycle_is_open():
    # The deadline is not a guard: a submission after it is accepted and marked late.
    assert SUBMISSION_WORKFLOW.check("submit", "draft", _facts("submit")) is None


def test_the_ui_is_offered_only_the_roles_triggers():
    assert SUBMISSION_WORKFLOW.triggers_from("submitted", "agency_editor") == ["withdraw"]
    assert SUBMISSION_WORKFLOW.triggers_from("submitted", "reviewer") == ["start_review"]
    assert SUBMISSION_WORKFLOW.triggers_from("submitted", "admin") == ["exempt"]
    assert SUBMISSION_WORKFLOW.triggers_from("approved", "agency_viewer") == []


def test_unknown_trigger_is_refused():
    assert SUBMISSION_WORKFLOW.check("explode", "draft", _facts("submit")).code == "unknown_trigger"
