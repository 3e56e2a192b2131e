from flask import Blueprint

bp = Blueprint("certification", __name__)
