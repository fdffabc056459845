"""Things that happened, announced by the part where they happen and handled by the parts
above it that react (the notifications part mails and notifies, the review part carries its
questions along): a lower part never calls up. Handlers run at once, in the caller's
transaction, so a message exists if and only if its cause does.

The same way, a fact a lower part needs from a part above it (how many questions are open)
is asked for by name and supplied by the part that holds it, one supplier per fact.

Handlers and suppliers register when the app factory imports each part's `subscriptions.py`."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# A user needs a link to set a password (user, subject, text, html); sent after the commit.
PASSWORD_LINK = "password_link"  # noqa: S105 (an event's name)
# A submission's transition went through (submission, trigger, event_id).
SUBMISSION_TRANSITION = "submission_transition"
# A cycle's transition went through (cycle, trigger, actor), before its audit event: opening
# writes each participant's draft (then CYCLE_OPENED), approval freezes the dataset (the
# snapshot exists if and only if the approval does), publication writes the open data.
CYCLE_TRANSITION = "cycle_transition"
# A cycle opened with these drafts (cycle, submissions): each agency is invited.
CYCLE_OPENED = "cycle_opened"
# A clarification round is requested (submission, actor): the round is numbered and every
# open question sent with it, without a flush, so the submission row is written once.
CLARIFICATION_REQUESTED = "clarification_requested"
# A project or a benefit is about to be removed (project_id / benefit_id): the questions
# asked about it stay, under its name, in the review record.
PROJECT_REMOVED = "project_removed"
BENEFIT_REMOVED = "benefit_removed"
# An administrator invited an agency to self-assess (agency, assessment): its users hear of it.
SELF_ASSESSMENT_INVITED = "self_assessment_invited"

# Facts asked for (ask) and supplied above (supplies).
# The question counts of a submission (submission_id) -> .open, .answered, .unresolved.
QUESTION_COUNTS = "question_counts"
# The agencies of a cycle (cycle) whose submissions are not settled -> (how many, the
# first ten names).
UNSETTLED_AGENCIES = "unsettled_agencies"
# The agencies of a cycle (cycle) whose approved submissions break a rule, by name.
INVALID_AGENCIES = "invalid_agencies"
# Who gets an agency's mail of a kind (agency, kind) -> a list, one entry per address: a
# confirmation page counts the mail a change will send.
AGENCY_RECIPIENTS = "agency_recipients"
# A planned cycle's questionnaire was sent out for comments (cycle, consultation, agency_ids).
CONSULTATION_OPENED = "consultation_opened"
# What the review shows on the submission page (submission, user, locale) -> the template's
# names: questions, question_groups, threads, question_targets, current_values, comments.
SUBMISSION_PAGE_REVIEW = "submission_page_review"

_handlers: dict[str, list[Callable[..., object]]] = defaultdict(list)
_suppliers: dict[str, Callable[..., Any]] = {}


def subscribe(event: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    def register(handler: Callable[..., object]) -> Callable[..., object]:
        _handlers[event].append(handler)
        return handler

    return register


def announce(event: str, **facts: Any) -> None:
    handlers = _handlers.get(event)
    if not handlers:
        # A message lost without a trace is worse than a refusal: the wiring is missing.
        raise LookupError(f"nothing handles {event!r}")
    for handler in handlers:
        handler(**facts)


def supplies(fact: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(supplier: Callable[..., Any]) -> Callable[..., Any]:
        known = _suppliers.get(fact)
        if known is not None and known.__qualname__ != supplier.__qualname__:
            raise ValueError(f"{fact!r} is supplied already, by {known.__qualname__}")
        _suppliers[fact] = supplier
        return supplier

    return register


def ask(fact: str, **facts: Any) -> Any:
    supplier = _suppliers.get(fact)
    if supplier is None:
        raise LookupError(f"nothing supplies {fact!r}")
    return supplier(**facts)
