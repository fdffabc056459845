"""Building blocks shared by the workflows: a transition row, a refusal, a guard, and the
registry entries that say what each state and trigger is called and does for the user."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from transitions import Machine


@dataclass(frozen=True)
class Refusal:
    """Why a transition may not happen: a stable code and the values its message needs."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def N_(message: str) -> str:
    """Marks an English source string for extraction (pybabel's default keyword); the app
    translates it when it shows it. workflows/ stays free of Flask."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural pair for extraction (`-k NP_:1,2`); the app picks one with
    ngettext."""
    return (singular, plural)


# The tag palette: a state names one style and the CSS has one rule per style
# (`tag tag-<style>`), so a new state needs no new CSS.
TAG_STYLES = frozenset({"neutral", "info", "progress", "attention", "success", "muted", "danger"})


@dataclass(frozen=True)
class State:
    """What a state is called and how its tag looks; for a submission, what happens next
    (the agency's view, the authority's view)."""

    label: str
    tag: str
    next_step: tuple[str, str] | None = None


@dataclass(frozen=True)
class Notice:
    """The message a trigger sends: to whom, the outbox's name for its kind, the mail's
    subject and sentence, and the in-app notice. Placeholders: %(agency)s, %(year)d,
    %(date)s; a plural pair also %(num)d."""

    to: str  # "agency" or "reviewer"
    kind_label: str
    subject: str
    sentence: str | tuple[str, str]
    inbox: str
    required: bool = False  # sent as mail even to a user who chose in-app notices only
    inbox_due: str = ""  # the in-app text when the notice has a due date (%(date)s)


@dataclass(frozen=True)
class Trigger:
    """What a trigger's action is called, what a transition that went through says (`done`),
    what the history calls it afterwards (`event`), and the message it sends, if any."""

    label: str
    done: str
    event: str = ""  # submissions and questions: the audit trail's name for it
    notice: Notice | None = None
    # A question's step in its thread: (the stored step, the heading "Question from" …).
    step: tuple[str, str] | None = None
    # What a refusal says for this trigger where it needs its own words, by refusal code.
    refusals: dict[str, str] = field(default_factory=dict)


# A guard takes its own workflow's facts (SubmissionFacts, CycleFacts, QuestionFacts).
Guard = Callable[[Any], Refusal | None]


@dataclass(frozen=True)
class T:
    """One row of a workflow table."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    reason_required: bool = False


class Workflow:
    """A transition table and one shared `transitions` machine built from it (model=None).

    `check` says whether a trigger may fire and, if not, the first reason why; `fire` moves a
    state along the table. Nothing here knows about the database or the web.
    """

    def __init__(
        self,
        states: Mapping[str, State],
        table: list[T],
        triggers: Mapping[str, Trigger],
        owner_check: Guard | None = None,
    ):
        self.registry, self.triggers = states, triggers
        self.states = [str(state) for state in states]
        self.table = {row.trigger: row for row in table}
        self._owner_check = owner_check
        _check_registry(self)
        self.machine = Machine(
            model=None,
            states=[str(state) for state in states],
            transitions=[
                # Plain strings: `transitions` would key Enum members by their names.
                {
                    "trigger": row.trigger,
                    "source": [str(s) for s in row.sources],
                    "dest": str(row.dest),
                }
                for row in table
            ],
            initial=None,
            auto_transitions=False,
        )

    def check(self, trigger: str, state: str, facts: Any) -> Refusal | None:
        row = self.table.get(trigger)
        if row is None:
            return Refusal("unknown_trigger", {"trigger": trigger})
        if state not in row.sources:
            code = "already_in_state" if state == row.dest else "not_from_state"
            return Refusal(code, {"trigger": trigger, "state": state})
        if facts.actor_role not in row.roles:
            return Refusal("role", {"trigger": trigger, "roles": sorted(row.roles)})
        if self._owner_check is not None:
            refusal = self._owner_check(facts)
            if refusal is not None:
                return refusal
        if row.reason_required and not (facts.reason or "").strip():
            return Refusal("reason_required", {"trigger": trigger})
        for guard in row.guards:
            refusal = guard(facts)
            if refusal is not None:
                return refusal
        return None

    def fire(self, trigger: str, state: str) -> str:
        """The state after `trigger`; raises MachineError when the table does not allow it."""
        holder = SimpleNamespace(state=str(state))
        self.machine.events[trigger].trigger(holder)
        return str(holder.state)

    def triggers_from(self, state: str, role: str) -> list[str]:
        """Triggers the table offers this role in this state, guards not yet checked."""
        return [
            row.trigger for row in self.table.values() if state in row.sources and role in row.roles
        ]

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        for row in self.table.values():
            who = ", ".join(sorted(row.roles))
            for source in row.sources:
                lines.append(f"    {source} --> {row.dest}: {row.trigger} ({who})")
        return "\n".join(lines)


def _check_registry(workflow: Workflow) -> None:
    """Fail at import, not on a page: every state and trigger of the table has its words and
    a tag style of the palette, and the registry names nothing the table lacks."""
    used = {str(row.dest) for row in workflow.table.values()}
    used |= {str(s) for row in workflow.table.values() for s in row.sources}
    if missing := used - set(workflow.states):
        raise ValueError(f"states without an entry: {sorted(missing)}")
    if unknown := {t for t in workflow.states if workflow.registry[t].tag not in TAG_STYLES}:
        raise ValueError(f"tag style not in the palette: {sorted(unknown)}")
    if set(workflow.table) != set(workflow.triggers):
        raise ValueError(f"triggers differ: {sorted(set(workflow.table) ^ set(workflow.triggers))}")
