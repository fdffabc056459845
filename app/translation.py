"""Translating a string in Python code as flask_babel's `gettext` does, without its cost.

flask_babel finds the catalogue anew for every string: four lookups of the request's context
through `flask.g` and the locale's formatted name, some 8 µs; a list page asks for a state's
label on every row. The catalogue is the same object flask_babel keeps per process, found
here once per language, still following `force_locale`. The templates' `_()` use it too
(`app/web.py`)."""

from babel.support import NullTranslations
from flask_babel import get_translations

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
