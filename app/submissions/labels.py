from flask_babel import lazy_gettext as _l

from app.cycles.questionnaire_service import section_labels

# The strategic IT projects are the one fixed part of a submission; its sections of items, and
# their names in both languages, are the cycle's questionnaire (section_names).
PROJECTS_LABEL = _l("Strategic IT projects")

SECTION_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
    "has_errors": _l("Has errors"),
}

# The groups of items on the IT costs page (and sheet).
HEADING_LABELS = {
    "operations": _l("The agency"),
    "it_costs": _l("IT costs"),
    "investments": _l("Investments"),
    "split": _l("What the IT cost is spent on"),
    "people": _l("Users and staff"),
    "assessment": _l("Your assessment"),
}


def section_names(cycle_id: int) -> dict[str, str]:
    """Every part of a cycle's submission by name: its sections of items, then the projects."""
    return {**section_labels(cycle_id), "projects": str(PROJECTS_LABEL)}
