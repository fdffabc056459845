"""Translating a string in Python code as flask_babel's `gettext` does, without its cost.

flask_babel finds the catalogue anew for every string: four lookups of the request's context
through `flask.g` and the locale's formatted name, some 8 µs; a list page asks for a state's
label on every row. The catalogue is the same object flask_babel keeps per process, found
here once per language, still following `force_locale`. The templates' `_()` use it too
(`app/web.py`)."""

from babel.support import NullTranslations
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

from app.number_format import current_locale

_CATALOGUES: dict[tuple[str, str | None], NullTranslations] = {}


def catalogue() -> NullTranslations:
    """The translations of the language in force; the same object flask_babel keeps per
    process, found by the locale's language and territory rather than its formatted name."""
    locale = current_locale()
    if locale is None:
        return get_translations()  # outside a request: no translation
    key = (locale.language, locale.territory)
    found = _CATALOGUES.get(key)
    if found is None:
        found = _CATALOGUES[key] = get_translations()
    return found


def gettext(string: str, **variables) -> str:
    """flask_babel's `gettext`: the translation, with `variables` put in by `%`."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel's `ngettext`: the form for `num`, with `num` and `variables` put in."""
    return catalogue().ungettext(singular, plural, num) % {"num": num, **variables}


# The templates' `_()`, `gettext()` and `ngettext()`. Jinja's newstyle gettext reaches the
# catalogue through three calls, each through Jinja's call dispatch, and formats every string
# with `%` even when it has no placeholder: some 20 µs a string, and a list page translates a
# few hundred. These do what Jinja's do (the translation; Markup when the template
# autoescapes, so the variables are escaped; `%` with the variables) in one call.
_MARKED: dict[tuple[int, str], Markup] = {}


def _marked(translations: NullTranslations, text: str) -> Markup:
    key = (id(translations), text)
    found = _MARKED.get(key)
    if found is None:
        if len(_MARKED) >= 10_000:  # a text that is not the catalogue's must not grow it
            _MARKED.clear()
        found = _MARKED[key] = Markup(text)  # noqa: S704 - our catalogue, as Jinja marks it
    return found


def _formatted(text, variables: dict):
    # Jinja always applies `%`, so "%%" reads "%"; without a "%" that is the text itself.
    return text % variables if variables or "%" in text else text


@pass_eval_context
def template_gettext(eval_context, string: str, **variables):
    translations = catalogue()
    text = translations.ugettext(string)
    if eval_context.autoescape:
        text = _marked(translations, text)
    return _formatted(text, variables)


@pass_eval_context
def template_ngettext(eval_context, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    translations = catalogue()
    text = translations.ungettext(singular, plural, num)
    if eval_context.autoescape:
        text = _marked(translations, text)
    return _formatted(text, variables)
