import pytest

from workflows.cycle import CYCLE_WORKFLOW, CycleFacts, CycleStatus

ALLOWED = {
    ("planned", "open"): "open",
    ("open", "close"): "closed",
    ("closed", "reopen"): "open",
    ("closed", "approve"): "approved",
    ("approved", "publish"): "published",
}


def _facts(**overrides):
    values = {"actor_role": "admin", "participant_count": 3}
    values.update(overrides)
    return CycleFacts(**values)


@pytest.mark.parametrize("state", [s.value for s in CycleStatus])
@pytest.mark.parametrize("trigger", ["open", "close", "reopen", "approve", "publish"])
def test_every_state_and_trigger(state, trigger):
    refusal = CYCLE_WORKFLOW.check(trigger, state, _facts(reason="Stängd för tidigt"))
    if (state, trigger) in ALLOWED:
        assert refusal is None
        assert CYCLE_WORKFLOW.fire(trigger, state) == ALLOWED[(state, trigger)]
    else:
        assert refusal.code in ("not_from_state", "already_in_state")


def test_approval_lists_the_unsettled_agencies():
    refusal = CYCLE_WORKFLOW.check(
        "approve", "closed", _facts(unsettled_agencies=("Bolagsverket", "Tullverket"))
    )
    assert refusal.code == "unsettled_submissions"
    assert refusal.params == {"n": 2, "agencies": ["Bolagsverket", "Tullverket"]}


def test_a_cycle_without_participants_cannot_open():
    assert (
        CYCLE_WORKFLOW.check("open", "planned", _facts(participant_count=0)).code
        == "no_participants"
    )


@pytest.mark.parametrize("role", ["reviewer", "agency_editor", "agency_viewer"])
def test_only_administrators_move_cycles(role):
    assert CYCLE_WORKFLOW.check("open", "planned", _facts(actor_role=role)).code == "role"


def test_a_closed_cycle_is_reopened_only_with_a_reason():
    assert CYCLE_WORKFLOW.check("reopen", "closed", _facts(reason="  ")).code == "reason_required"
    assert CYCLE_WORKFLOW.check("reopen", "closed", _facts(reason="Stängd för tidigt")) is None


@pytest.mark.parametrize("state", ["approved", "published"])
def test_a_frozen_cycle_can_never_be_reopened(state):
    assert CYCLE_WORKFLOW.check("reopen", state, _facts(reason="x")).code == "not_from_state"
