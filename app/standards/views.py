from flask import Blueprint

bp = Blueprint("standards", __name__)
