from flask import Blueprint

bp = Blueprint("assignments", __name__)
