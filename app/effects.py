"""Things that happened, announced by the part where they happen and handled by the parts
above it that react (the notifications part mails and notifies): a lower part never calls
up. Handlers run at once, in the caller's transaction, so a message exists if and only if
its cause does. The handlers subscribe when the app factory imports
app/notifications/subscriptions.py."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# A user needs a link to set a password (user, subject, text, html); sent after the commit.
PASSWORD_LINK = "password_link"  # noqa: S105 (an event's name)
# A submission's transition went through (submission, trigger, event_id).
SUBMISSION_TRANSITION = "submission_transition"
# A cycle opened with these drafts (cycle, submissions): each agency is invited.
CYCLE_OPENED = "cycle_opened"

_handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(handler: Callable[..., None]) -> Callable[..., None]:
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
