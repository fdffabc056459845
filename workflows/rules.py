"""Building blocks shared by the workflows: a transition row, a refusal, a guard."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from transitions import Machine


@dataclass(frozen=True)
class Refusal:
    """Why a transition may not happen: a stable code and the values its message needs."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


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

    def __init__(self, states: list[str], table: list[T], owner_check: Guard | None = None):
        self.states = states
        self.table = {row.trigger: row for row in table}
        self._owner_check = owner_check
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
