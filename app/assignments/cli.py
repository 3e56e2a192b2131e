from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="The notification outbox.")
