"""Language and time zone of each request, and helpers templates use to show text and dates."""

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType

from babel import Locale, dates, numbers
from flask import Flask, current_app, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    get_translations,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup

from app.models_base import localized
from app.text import translate

RTL_LANGUAGES = {"ar"}


def select_locale() -> Locale:
    """The signed-in user's language, else the visitor's choice, else the installation default."""
    languages = current_app.config["LANGUAGES"]
    user = current_user._get_current_object()
    if user and user.is_authenticated and user.locale in languages:
        return _locale(user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return _locale(chosen)
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])


# Each language's Locale, made once per process: Flask-Babel takes a Locale as it is, where a
# code is parsed again on every request (about 9 microseconds, a look for the locale's data
# file on disk included).
_LOCALES: dict[str, Locale] = {}


def _locale(code: str) -> Locale:
    found = _LOCALES.get(code)
    if found is None:
        found = _LOCALES[code] = Locale.parse(code)
    return found


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_language() -> str:
    locale = get_locale()
    return str(locale.language) if locale else "ar"


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    @app.context_processor
    def _language_context():
        lang = current_language()
        return {
            "lang": lang,
            "locale_key": locale_key(),
            "text_dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": lambda value: localized(value, lang),
            **bound_gettext(get_translations()),
        }

    # One format per kind on every page; a format argument left in a template is ignored.
    # (The date and number filters read the rendering's locale from its context, where the
    # language context put it once; a macro imported without context looks it up itself.
    # Moments and percentages look it up for each value.)
    app.jinja_env.filters["date"] = pass_context(
        lambda context, value, *_: format_day(value, context.get("locale_key"))
    )
    app.jinja_env.filters["datetime"] = lambda value, *_: format_moment(value)
    app.jinja_env.filters["number"] = pass_context(
        lambda context, value: format_number(value, context.get("locale_key"))
    )
    app.jinja_env.filters["percent"] = lambda value: format_percent(value)
    app.jinja_env.filters["reject_page"] = lambda args: {
        k: v for k, v in args.items() if k != "page"
    }
    app.jinja_env.filters["bdi"] = isolate
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["confidence_label"] = confidence_label
    app.jinja_env.globals["problem_text"] = translate  # a problem of a file, translated


DATE_FORMAT = "long"  # "5 December 2026", "5 ديسمبر 2026": no figures to misread

# Dates and numbers as the locale writes them, kept per process: Babel takes about ten
# microseconds for each, and a page shows the same few counts, days and months again and
# again. Only plain values whose text depends on nothing but the locale are kept (a date,
# not a moment, whose day depends on the time zone).
_FORMATTED_LIMIT = 20_000
_formatted: dict[tuple, str] = {}


def locale_key() -> str | None:
    """The locale formats are made in (the request's, or the one force_locale sets for a mail
    or a job) as a key, or None outside a request."""
    locale = get_locale()
    return None if locale is None else str(locale)


def formatted(
    kind: str, value, make: Callable[[str | None], str], locale: str | None = None
) -> str:
    """make(locale), or the text it gave for this kind of format, value and locale. `locale` is
    a locale_key(), given by a caller that formats many values (the request's when not given);
    the text is made in that locale, so what is kept under it is always its own."""
    if locale is None:
        locale = locale_key()
        if locale is None:  # outside a request: the installation's default, not kept
            return make(None)
    key = (kind, locale, type(value), value)
    try:
        return _formatted[key]
    except KeyError:
        pass
    if len(_formatted) >= _FORMATTED_LIMIT:
        _formatted.clear()
    text = _formatted[key] = make(locale)
    return text


# (id of a table, locale) -> (the table, kept so that its id stays its own; its labels)
_TRANSLATED: dict[tuple[int, str | None], tuple[Mapping, Mapping[str, str]]] = {}
_TRANSLATED_LIMIT = 256


def translated(labels: Mapping[str, object]) -> Mapping[str, str]:
    """A fixed table of labels (a module's constant of lazy strings) in the request's language,
    translated once per process and language: a lazy string looks its catalogue up again each
    time it is read (about seven microseconds). The mapping returned is shared and read-only."""
    key = (id(labels), locale_key())
    found = _TRANSLATED.get(key)
    if found is None:
        if len(_TRANSLATED) >= _TRANSLATED_LIMIT:
            _TRANSLATED.clear()
        texts = MappingProxyType({k: str(label) for k, label in labels.items()})
        found = _TRANSLATED[key] = (labels, texts)
    return found[1]


def format_number(value, locale: str | None = None) -> str:
    """A number as the locale writes it (`locale`: see formatted)."""
    if type(value) in (int, float):  # not bool, not Decimal: formatted each time
        return formatted(
            "number", value, lambda loc: numbers.format_decimal(value, locale=loc), locale
        )
    return format_decimal(value)


def format_month(day: date) -> str:
    """A month's short name (a chart's label)."""
    return formatted("month", day, lambda loc: dates.format_date(day, "LLL", locale=loc))


def format_day(value, locale: str | None = None) -> str:
    """A date (or the day of a moment, in the installation's time zone; or an ISO date
    string) as every page shows a date (`locale`: see formatted)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if type(value) is date:
        return formatted(
            "day", value, lambda loc: dates.format_date(value, DATE_FORMAT, locale=loc), locale
        )
    return format_date(value, DATE_FORMAT)


def format_moment(value) -> str:
    """A moment as every page shows one: the date as format_day, and the time in hours and
    minutes (no seconds), in the installation's time zone."""
    if not value:
        return ""
    locale = get_locale() or Locale.parse("en")
    time_pattern = locale.time_formats["short"].pattern
    day_pattern = locale.date_formats[DATE_FORMAT].pattern
    combined = locale.datetime_formats["medium"].replace("{1}", day_pattern)
    return format_datetime(value, combined.replace("{0}", time_pattern))


# catalogue -> {message: its translation as markup}, for messages without variables; a
# catalogue (one per language, kept by Flask-Babel) holds a few hundred of them.
_LABELS: dict[object, dict[str, Markup]] = {}


def bound_gettext(translations) -> dict:
    """`gettext`, `_` and `ngettext` for one rendering, bound to its catalogue once: the
    template's `_()` calls them straight from its context, instead of going through Jinja's
    alias (which looks `gettext` up in the context on every call) to a function that looks
    the catalogue up again. They behave as Jinja's new-style gettext does (Flask-Babel
    installs that style): the message is escaped as markup and always formatted with its
    variables. Macros imported without context still use the environment's.

    A message without variables is the same markup every time for a catalogue: it is kept
    with the catalogue (most of a page's messages are such labels)."""
    find, find_plural = translations.gettext, translations.ngettext
    labels = _LABELS.setdefault(translations, {})

    # Given the evaluation context (whether the template escapes) rather than the whole
    # context: Jinja hands a function that asks for the context a context of its own,
    # made afresh for each call inside a loop or a block with variables of its own.
    @pass_eval_context
    def gettext(eval_ctx, string, /, **variables):
        if not variables and eval_ctx.autoescape:
            try:
                return labels[string]
            except KeyError:
                label = labels[string] = Markup(find(string)) % variables
                return label
        text = find(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, count, /, **variables):
        # `num=` may come as a variable (formatted for the locale), as Jinja's own allows
        variables.setdefault("num", count)
        text = find_plural(singular, plural, count)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def isolate(value) -> Markup:
    """Text people wrote (a name, a note), escaped and set apart in a <bdi> element, so that
    its own direction neither reorders the page around it nor is reordered by it."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


ROLE_LABELS = {
    "agent": _l("Agent"),
    "manager": _l("Manager"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def confidence_label(confidence: float | None) -> str:
    """How sure the scorer was, in words: a bare figure such as 0.4 means nothing to a reader.
    Below 0.6 an answer waits for review (app.quizzes.review.LOW_CONFIDENCE)."""
    if confidence is None:
        return ""
    if confidence < 0.6:
        return str(_l("the scorer was unsure"))
    if confidence < 0.85:
        return str(_l("the scorer was fairly sure"))
    return str(_l("the scorer was sure"))
