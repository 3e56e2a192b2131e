"""Language and time zone of each request, and helpers templates use to show text and dates."""

from datetime import date

from babel import Locale
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
from jinja2 import pass_context
from markupsafe import Markup

from app.models_base import localized
from app.text import translate

RTL_LANGUAGES = {"ar"}


def select_locale() -> str:
    """The signed-in user's language, else the visitor's choice, else the installation default."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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
            "text_dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": lambda value: localized(value, lang),
            **bound_gettext(get_translations()),
        }

    # One format per kind on every page; a format argument left in a template is ignored.
    app.jinja_env.filters["date"] = lambda value, *_: format_day(value)
    app.jinja_env.filters["datetime"] = lambda value, *_: format_moment(value)
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["percent"] = lambda value: format_percent(value)
    app.jinja_env.filters["reject_page"] = lambda args: {
        k: v for k, v in args.items() if k != "page"
    }
    app.jinja_env.filters["bdi"] = isolate
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["confidence_label"] = confidence_label
    app.jinja_env.globals["problem_text"] = translate  # a problem of a file, translated


DATE_FORMAT = "long"  # "5 December 2026", "5 ديسمبر 2026": no figures to misread


def format_day(value) -> str:
    """A date (or the day of a moment, in the installation's time zone; or an ISO date
    string) as every page shows a date."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
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


def bound_gettext(translations) -> dict:
    """`gettext`, `_` and `ngettext` for one rendering, bound to its catalogue once: the
    template's `_()` calls them straight from its context, instead of going through Jinja's
    alias (which looks `gettext` up in the context on every call) to a function that looks
    the catalogue up again. They behave as Jinja's new-style gettext does (Flask-Babel
    installs that style): the message is escaped as markup and always formatted with its
    variables. Macros imported without context still use the environment's."""
    find, find_plural = translations.gettext, translations.ngettext

    @pass_context
    def gettext(context, string, /, **variables):
        text = find(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, count, /, **variables):
        # `num=` may come as a variable (formatted for the locale), as Jinja's own allows
        variables.setdefault("num", count)
        text = find_plural(singular, plural, count)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

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
