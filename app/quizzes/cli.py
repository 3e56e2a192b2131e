from flask.cli import AppGroup

quizzes_cli = AppGroup("quizzes", help="Check quiz files and score role-play answers.")
