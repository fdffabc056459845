"""The cycle workflow: its states (transitions follow with the workflow issue)."""

from enum import StrEnum


class CycleStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    APPROVED = "approved"
    PUBLISHED = "published"
