"""The submission workflow: its states (transitions follow with the workflow issue)."""

from enum import StrEnum


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CLARIFICATION = "clarification"
    APPROVED = "approved"
    EXEMPTED = "exempted"
