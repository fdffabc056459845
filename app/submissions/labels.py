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

# The groups of items on the IT costs page (and sheet).
HEADING_LABELS = {
    "operations": _l("The agency"),
    "it_costs": _l("IT costs"),
    "investments": _l("Investments"),
    "split": _l("What the IT cost is spent on"),
    "people": _l("Users and staff"),
    "assessment": _l("Your assessment"),
}
