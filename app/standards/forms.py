"""Forms of the standards pages. The observation and scorecard forms get one field per standard
of the current version, so they are built per request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.models_base import localized
from app.text import Follows, TextRule

REFERENCE = TextRule(max_length=120)
COMMENT = TextRule(max_length=1000, multiline=True)


def channel_choices():
    return [
        ("phone", _l("Phone")),
        ("chat", _l("Chat")),
        ("email", _l("Email")),
        ("in_person", _l("In person")),
    ]


def rating_choices():
    return [
        ("na", _l("Not applicable")),
        ("met", _l("Met")),
        ("partly", _l("Partly met")),
        ("not_met", _l("Not met")),
    ]


def field_key(standard_id: str) -> str:
    return standard_id.replace("-", "_")


class ObservationBase(FlaskForm):
    observed_on = DateField(_l("Date of the interaction"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=channel_choices)
    reference = StringField(
        _l("Reference (case or call number)"), validators=[Optional(), Follows(REFERENCE)]
    )
    submit = SubmitField(_l("Save the observation"))


class CorrectionBase(ObservationBase):
    reason = TextAreaField(
        _l("Why is this observation corrected?"), validators=[DataRequired(), Follows(COMMENT)]
    )
    submit = SubmitField(_l("Save the correction"))


def observation_form(standards: list[dict], locale: str, *, correction: bool = False, **kwargs):
    """A form with a rating and a comment per observed standard."""

    class Form(CorrectionBase if correction else ObservationBase):
        pass

    for standard in standards:
        key, title = field_key(standard["id"]), localized(standard["title"], locale)
        label = f"{standard['id']} {title}"
        setattr(Form, f"rating_{key}", SelectField(label, choices=rating_choices, default="na"))
        setattr(Form, f"comment_{key}", StringField(
            _l("Comment on %(standard)s", standard=standard["id"]),
            validators=[Optional(), Follows(COMMENT)],
        ))  # fmt: skip
    return Form(**kwargs)


def ratings_of(form, standards: list[dict]) -> dict[str, tuple[str, str]]:
    return {
        s["id"]: (
            form[f"rating_{field_key(s['id'])}"].data,
            form[f"comment_{field_key(s['id'])}"].data or "",
        )
        for s in standards
    }


def observation_values(observation) -> dict:
    """Form data of an existing observation, to edit or correct it."""
    values = {
        "observed_on": observation.observed_on,
        "channel": observation.channel,
        "reference": observation.reference,
    }
    for item in observation.items:
        values[f"rating_{field_key(item.standard_id)}"] = item.rating
        values[f"comment_{field_key(item.standard_id)}"] = item.comment
    return values


def scorecard_form(standards: list[dict], critical: set[str], locale: str, **kwargs):
    """One checkbox per standard: critical or not."""

    class Form(FlaskForm):
        submit = SubmitField(_l("Save the scorecard"))

    for standard in standards:
        label = f"{standard['id']} {localized(standard['title'], locale)}"
        field = BooleanField(label, default=standard["id"] in critical)
        setattr(Form, f"critical_{field_key(standard['id'])}", field)
    return Form(**kwargs)


class KpiUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class AcknowledgeForm(FlaskForm):
    confirm = BooleanField(
        _l("I have read these standards and will apply them."), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Acknowledge"))


class ConfirmForm(FlaskForm):
    """Only a CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))
