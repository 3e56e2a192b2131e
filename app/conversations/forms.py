"""Forms of the conversation pages. The review form has a rating and a comment per scorecard
item, so it is built per request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from app.conversations.calibration import TITLE
from app.conversations.reviews import COMMENT
from app.models_base import localized
from app.text import Follows


def rating_choices():
    return [
        ("met", _l("Met")),
        ("partly", _l("Partly met")),
        ("not_met", _l("Not met")),
        ("na", _l("Not applicable")),
    ]


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or JSON file"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you disagree with this review?"), validators=[DataRequired(), Follows(COMMENT)]
    )
    submit = SubmitField(_l("Dispute the review"))


def outcome_choices():
    return [("upheld", _l("Uphold the review")), ("changed", _l("Change the review"))]


def field_key(item_id: str) -> str:
    return item_id.replace("-", "_")


def _add_items(form_class, items: list[dict], locale: str) -> None:
    for item in items:
        key = field_key(item["id"])
        field = SelectField(localized(item["title"], locale), choices=rating_choices)
        setattr(form_class, f"rating_{key}", field)
        setattr(form_class, f"comment_{key}", StringField(
            _l("Comment"), validators=[Optional(), Follows(COMMENT)]
        ))  # fmt: skip


def review_form(items: list[dict], locale: str, **kwargs):
    """A rating and a comment per scorecard item."""

    class Form(FlaskForm):
        submit = SubmitField(_l("Save the review"))

    _add_items(Form, items, locale)
    return Form(**kwargs)


def resolve_form(items: list[dict], locale: str, **kwargs):
    """Uphold the review, or change it with new ratings; a note either way."""

    class Form(FlaskForm):
        outcome = SelectField(_l("Decision"), choices=outcome_choices)
        note = TextAreaField(_l("Your reasons"), validators=[DataRequired(), Follows(COMMENT)])
        submit = SubmitField(_l("Resolve the dispute"))

    _add_items(Form, items, locale)
    return Form(**kwargs)


def ratings_of(form, items: list[dict]) -> dict[str, tuple[str, str]]:
    return {
        item["id"]: (
            form[f"rating_{field_key(item['id'])}"].data,
            form[f"comment_{field_key(item['id'])}"].data or "",
        )
        for item in items
    }


def values_of(ratings: dict[str, str], comments: dict[str, str] | None = None) -> dict:
    """Form data from ratings (the automatic ones, or the disputed review's)."""
    values = {f"rating_{field_key(k)}": v for k, v in ratings.items()}
    values |= {f"comment_{field_key(k)}": v for k, v in (comments or {}).items()}
    return values


# --- calibration --------------------------------------------------------------------------------


class CalibrationForm(FlaskForm):
    """A new calibration: its title, the reviewers invited, the conversations and role-play
    answers picked (typed, or ticked among the recent answers)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Follows(TITLE)])
    reviewers = SelectMultipleField(_l("Reviewers"), coerce=int)
    conversations = TextAreaField(
        _l("Conversations and role-play answers"),
        description=_l(
            "Their references, one per line or separated by commas: a conversation's own, or "
            "attempt:<attempt>:answer:<answer> for a role-play answer (add :turn:<turn> for one "
            "reply of a dialogue)."
        ),
        validators=[Optional()],
    )
    answers = SelectMultipleField(_l("Recent role-play answers"), validate_choice=False)
    submit = SubmitField(_l("Start the calibration"))


def blank_rating_choices():
    return [("", _l("Choose a rating")), *rating_choices()]


def _choices_of(item: dict):
    """The ratings an item takes: all four, or met and not met for a rubric criterion of a
    role-play reply."""
    allowed = item.get("ratings")
    if allowed is None:
        return blank_rating_choices

    def choices():
        return [c for c in blank_rating_choices() if c[0] == "" or c[0] in allowed]

    return choices


def calibration_score_form(items: list[dict], locale: str, **kwargs):
    """A rating (nothing chosen beforehand: the reviewer judges alone) and a comment per item."""

    class Form(FlaskForm):
        submit = SubmitField(_l("Submit my scores"))

    for item in items:
        key = field_key(item["id"])
        setattr(Form, f"rating_{key}",
                SelectField(localized(item["title"], locale), choices=_choices_of(item)))  # fmt: skip
        setattr(Form, f"comment_{key}",
                StringField(_l("Comment"), validators=[Optional(), Follows(COMMENT)]))  # fmt: skip
    return Form(**kwargs)


def agreed_form(items: list[dict], locale: str, **kwargs):
    """The agreed rating of every item."""

    class Form(FlaskForm):
        submit = SubmitField(_l("Record the agreed scores"))

    for item in items:
        setattr(Form, f"agreed_{field_key(item['id'])}",
                SelectField(localized(item["title"], locale), choices=_choices_of(item)))  # fmt: skip
    return Form(**kwargs)


def agreed_of(form, items: list[dict]) -> dict[str, str]:
    return {item["id"]: form[f"agreed_{field_key(item['id'])}"].data or "" for item in items}


class DiscussionForm(FlaskForm):
    scorecard_item = HiddenField()
    text = TextAreaField(_l("Your comment"), validators=[DataRequired(), Follows(COMMENT)])
    submit = SubmitField(_l("Add to the discussion"))


class LeadActionForm(FlaskForm):
    """Closing scoring or the session: a button with its CSRF token."""

    submit = SubmitField()
