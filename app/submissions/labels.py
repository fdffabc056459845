from flask_babel import lazy_gettext as _l

SECTION_LABELS = {
    "it_costs": _l("IT costs"),
    "maturity": _l("Maturity"),
    "projects": _l("Strategic IT projects"),
}

SECTION_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
    "has_errors": _l("Has errors"),
}
