"""Each workflow's registry: every state and trigger of its table has its words (with a Swedish
translation), a tag style of the palette the CSS draws, and nothing is named that the table
lacks. A new state or trigger without its words fails here, not as a 500 on a page."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.submissions.transitions import EFFECTS
from workflows.consultation import CONSULTATION_WORKFLOW, ConsultationStatus
from workflows.cycle import CYCLE_WORKFLOW, CycleStatus
from workflows.question import QUESTION_WORKFLOW, QuestionStatus
from workflows.rules import TAG_STYLES, State, T, Trigger, Workflow
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionStatus

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = {
    "submission": (SUBMISSION_WORKFLOW, SubmissionStatus),
    "cycle": (CYCLE_WORKFLOW, CycleStatus),
    "question": (QUESTION_WORKFLOW, QuestionStatus),
    "consultation": (CONSULTATION_WORKFLOW, ConsultationStatus),
}


def _swedish() -> dict:
    with (ROOT / "app/translations/sv/LC_MESSAGES/messages.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def _texts(workflow: Workflow):
    """Every source string of a registry, with where it is."""
    for state, entry in workflow.registry.items():
        yield f"{state}.label", entry.label
        for text in entry.next_step or ():
            yield f"{state}.next_step", text
    for trigger, entry in workflow.triggers.items():
        yield f"{trigger}.label", entry.label
        yield f"{trigger}.done", entry.done
        if entry.event:
            yield f"{trigger}.event", entry.event
        if entry.step:
            yield f"{trigger}.step", entry.step[1]
        for code, text in entry.refusals.items():
            yield f"{trigger}.refusals.{code}", text
        if entry.notice:
            notice = entry.notice
            for part in ("kind_label", "subject", "inbox", "inbox_due"):
                if getattr(notice, part):
                    yield f"{trigger}.notice.{part}", getattr(notice, part)
            yield f"{trigger}.notice.sentence", notice.sentence


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_state_of_the_enum_has_an_entry_and_no_more(name):
    workflow, states = WORKFLOWS[name]
    assert set(workflow.registry) == {state.value for state in states}


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_trigger_of_the_table_has_its_words_and_no_more(name):
    workflow, _ = WORKFLOWS[name]
    assert set(workflow.triggers) == set(workflow.table)
    for trigger, entry in workflow.triggers.items():
        assert entry.label.strip() and entry.done.strip(), trigger


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_state_names_a_style_of_the_palette(name):
    workflow, _ = WORKFLOWS[name]
    assert {entry.tag for entry in workflow.registry.values()} <= TAG_STYLES


def test_the_css_draws_every_style_of_the_palette():
    css = (ROOT / "app/static/css/granska.css").read_text()
    for kind in ("tag", "segment", "swatch"):  # tags, the progress bar and its legend
        drawn = set(re.findall(rf"\.{kind}-([a-z_]+)[ ,]", css))
        assert drawn >= TAG_STYLES, kind


def test_submission_states_say_what_happens_next_for_both_sides():
    for state, entry in SUBMISSION_WORKFLOW.registry.items():
        assert entry.next_step is not None and all(t.strip() for t in entry.next_step), state


def test_submission_and_question_triggers_name_their_audit_event():
    for workflow in (SUBMISSION_WORKFLOW, QUESTION_WORKFLOW):
        assert all(entry.event for entry in workflow.triggers.values())
    # A question's trigger writes a step of its thread, each step its own.
    steps = [entry.step[0] for entry in QUESTION_WORKFLOW.triggers.values() if entry.step]
    assert len(steps) == len(QUESTION_WORKFLOW.triggers) == len(set(steps))


def test_a_notice_goes_to_the_agency_or_the_reviewer():
    notices = [e.notice for e in SUBMISSION_WORKFLOW.triggers.values() if e.notice]
    assert notices and {notice.to for notice in notices} <= {"agency", "reviewer"}


def test_a_question_refusal_with_its_own_words_is_one_the_table_can_give():
    codes = {
        "not_from_state",
        "already_in_state",
        "reason_required",
        "role",
        "not_own_agency",
        "submission_not_in_review",
        "submission_not_in_clarification",
        "already_sent",
        "not_sent",
    }
    for trigger, entry in QUESTION_WORKFLOW.triggers.items():
        assert set(entry.refusals) <= codes, trigger


def test_effects_belong_to_triggers_of_the_submission_table():
    assert set(EFFECTS) <= set(SUBMISSION_WORKFLOW.table)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_word_of_the_registry_is_translated_to_swedish(name):
    workflow, _ = WORKFLOWS[name]
    swedish = _swedish()
    missing = []
    for where, text in _texts(workflow):
        translated = swedish.get(text)  # a plural pair is keyed by both its forms
        if not translated or (isinstance(translated, tuple) and not all(translated)):
            missing.append(where)
    assert missing == []


def test_a_table_with_a_state_or_trigger_lacking_its_entry_fails_at_import():
    states = {"a": State("A", "neutral")}
    row = T("go", ("a",), "b", frozenset({"admin"}))
    with pytest.raises(ValueError, match="states without an entry"):
        Workflow(states, [row], {"go": Trigger("Go", "Gone")})
    states["b"] = State("B", "neon")
    with pytest.raises(ValueError, match="palette"):
        Workflow(states, [row], {"go": Trigger("Go", "Gone")})
    states["b"] = State("B", "info")
    with pytest.raises(ValueError, match="triggers differ"):
        Workflow(states, [row], {})
    assert Workflow(states, [row], {"go": Trigger("Go", "Gone")}).fire("go", "a") == "b"
