"""What the questionnaire's kinds are called on the pages, Swedish and English (from the
app's translations). tests/unit/test_vocabulary.py checks that each list names exactly the
members of its registry (workflows/vocabulary.ITEM_KINDS, workflows/answers.RULE_KINDS)."""

from flask_babel import lazy_gettext as _l

ITEM_KIND_LABELS = {
    "amount": _l("Amount (tkr)"),
    "count": _l("Count (whole number)"),
    "fte": _l("Full-time equivalents"),
    "percent": _l("Percentage"),
    "choice": _l("Choice of options"),
    "text": _l("Text"),
    "level": _l("Maturity level (1–7)"),
}

RULE_KIND_LABELS = {
    "sum": _l("Parts add up to a total"),
    "at_least": _l("At least another item, unless explained"),
    "change_threshold": _l("Own limit for the change against last year"),
}

# What each rule kind's operands are, for the form and the file format's documentation.
RULE_OPERAND_HINTS = {
    "sum": _l("The codes of the parts, separated by commas."),
    "at_least": _l(
        "The code of the item it must be at least, then (optionally) the code of a text item "
        "whose answer explains an exception."
    ),
    "change_threshold": _l("The largest change in per cent that is not questioned, e.g. 50."),
}

# The parts of a questionnaire, as its pages name them (new …, change …).
PART_TITLES = {
    "sections": (_l("New section"), _l("Change the section")),
    "items": (_l("New question"), _l("Change the question")),
    "rules": (_l("New rule"), _l("Change the rule")),
    "key_figures": (_l("New key figure"), _l("Change the key figure")),
}

PART_NAMES = {
    "sections": _l("Sections"),
    "items": _l("Questions"),
    "rules": _l("Rules"),
    "key_figures": _l("Key figures"),
}

CHANGE_LABELS = {
    "added": _l("New this year"),
    "removed": _l("Removed"),
    "changed": _l("Changed"),
}

# The fields of an entry, as the changes page names what changed.
FIELD_LABELS = {
    "section": _l("section"),
    "heading": _l("group"),
    "kind": _l("kind of answer"),
    "required": _l("required"),
    "has_forecast": _l("forecast"),
    "min": _l("lowest value"),
    "max": _l("highest value"),
    "label": _l("wording"),
    "definition": _l("definition"),
    "choices": _l("options"),
    "target": _l("item checked"),
    "operands": _l("operands"),
    "unit": _l("unit"),
    "formula": _l("formula"),
}
