from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from app.api.tokens import NAME, SCOPES
from app.text import Follows


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name (which system uses it)"), validators=[DataRequired(), Follows(NAME)]
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=lambda: [(scope, f"{scope}: {label}") for scope, label in SCOPES.items()],
        validators=[DataRequired()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Create token"))
