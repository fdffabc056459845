"""What a section table writes in each item's row, as functions: a template macro costs some
30 µs a call, and a section of thirty items called five of them a row. Each writes what the
macros of templates/macros/answers.html wrote, escaped the same way."""

from markupsafe import Markup, escape

from app.number_format import format_for_reader
from app.swedish_numbers import format_swedish_number
from app.translation import gettext as _


def unit_of(item) -> str:
    if item.kind == "amount":
        return "tkr"
    if item.kind == "fte":
        return _("FTE")
    return "%" if item.kind == "percent" else ""


def label_with_unit(item, locale: str) -> Markup:
    """The label and, unless the label already says it, the unit: "Total it-kostnad (tkr)"."""
    label, unit = item.label(locale), unit_of(item)
    if unit and unit.lower() not in label.lower():
        return Markup('{} <span class="unit">({})</span>').format(label, unit)
    return escape(label)


def news_tag(code: str, new_codes, changed_codes) -> Markup:
    """ "New this year" or "Changed definition" beside an item, against last year's."""
    if code in new_codes:
        return Markup(' <strong class="tag tag-new">{}</strong>').format(_("New this year"))
    if code in changed_codes:
        return Markup(' <strong class="tag tag-warning">{}</strong>').format(
            _("Changed definition")
        )
    return Markup("")


def series_break_mark(code: str, previous, changed_codes) -> str:
    """Beside last year's value of a redefined item: it was measured otherwise."""
    if previous is not None and code in changed_codes:
        return f" ({_('Series break').lower()})"
    return ""


def input_value(name: str, row, typed: dict) -> str:
    """A field's value: what the user typed, else the stored value the Swedish way."""
    if name in typed:
        return typed[name]
    if row is None:
        return ""
    if row.number is not None:
        return format_swedish_number(row.number)
    return row.text or ""


def value_text(row, item) -> str:
    """A stored value read (not edited): the number in the reader's language, or the text."""
    if row is None:
        return "–"
    if row.number is not None:
        text = format_for_reader(row.number, 2)
        return f"{text} tkr" if item.kind == "amount" else text
    return row.text
