from flask.cli import AppGroup

standards_cli = AppGroup("standards", help="Service standards: KPI imports and compliance.")
