"""The administrators' page for API tokens: make one (its secret shown once), see them all,
revoke one."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import allow
from app.api import tokens
from app.api.forms import TokenForm
from app.api.models import ApiToken
from app.extensions import db
from app.people.forms import ConfirmForm

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")


@bp.route("", methods=["GET", "POST"])
@allow("admin")
def list_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(form.name.data, form.scopes.data,
                                                actor=current_user)  # fmt: skip
        except tokens.TokenError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            return render_template("api/token_created.html", token=token, secret=secret)
    return render_template("api/tokens.html", form=form, tokens=tokens.list_tokens(),
                           confirm=ConfirmForm(), scopes=tokens.SCOPES)  # fmt: skip


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@allow("admin")
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if tokens.revoke_token(token, actor=current_user):
        db.session.commit()
        flash(_("The token %(name)s was revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.list_tokens"))
