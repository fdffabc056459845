"""The workflows described from their tables (Mermaid diagrams and who-may-do-what tables),
so the README cannot drift from the code."""

from workflows.consultation import CONSULTATION_WORKFLOW
from workflows.cycle import CYCLE_WORKFLOW
from workflows.question import QUESTION_WORKFLOW
from workflows.rules import T, Workflow
from workflows.submission import SUBMISSION_WORKFLOW

START, END = "<!-- workflow:start -->", "<!-- workflow:end -->"


def _guard_names(row: T) -> str:
    names = [guard.__name__.replace("_", " ") for guard in row.guards]
    if row.reason_required:
        names.insert(0, "reason given")
    return ", ".join(names) or "–"


def _table(workflow: Workflow) -> list[str]:
    lines = ["| action | from | to | who | only when |", "| --- | --- | --- | --- | --- |"]
    for row in workflow.table.values():
        sources = ", ".join(str(s) for s in row.sources)
        who = ", ".join(sorted(row.roles))
        lines.append(f"| `{row.trigger}` | {sources} | {row.dest} | {who} | {_guard_names(row)} |")
    return lines


def markdown() -> str:
    parts = [
        START,
        "",
        "### Submission",
        "",
        "```mermaid",
        SUBMISSION_WORKFLOW.mermaid(),
        "```",
        "",
        *_table(SUBMISSION_WORKFLOW),
        "",
        "An agency editor acts only on their own agency's submission.",
        "",
        "### Cycle",
        "",
        "```mermaid",
        CYCLE_WORKFLOW.mermaid(),
        "```",
        "",
        *_table(CYCLE_WORKFLOW),
        "",
        "### Question",
        "",
        "```mermaid",
        QUESTION_WORKFLOW.mermaid().replace("    new --> ", "    [*] --> "),
        "```",
        "",
        *_table(QUESTION_WORKFLOW),
        "",
        "A clarification round carries every open question to the agency: until then a question "
        "is the reviewer's draft (edit, withdraw); once sent, it is answered, or closed.",
        "",
        "### Consultation on a planned cycle's questionnaire",
        "",
        "```mermaid",
        CONSULTATION_WORKFLOW.mermaid().replace("    new --> ", "    [*] --> "),
        "```",
        "",
        *_table(CONSULTATION_WORKFLOW),
        "",
        "An agency comments on a question or on the whole until the deadline, while the cycle is "
        "planned; the authority answers every comment and decides on every commented question "
        "before it records the outcome, which is frozen with the cycle's dataset.",
        "",
        END,
    ]
    return "\n".join(parts)


def replace_section(document: str) -> str:
    """The document with its generated section replaced by the current one."""
    head, _, rest = document.partition(START)
    _, found, tail = rest.partition(END)
    if not found:
        raise ValueError(f"the document has no {START} … {END} section")
    return head + markdown() + tail
