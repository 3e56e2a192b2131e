"""Domain events: what one capability tells the others, so that none imports the others back.

The service that owns a change sends its event inside its own transaction, after a flush and
before the commit; receivers add their own changes to that transaction and never commit, so a
failure anywhere leaves nothing half done. Each capability connects its receivers in its
`handlers` module, imported by `create_app` (app/__init__.py, `register_event_handlers`).

The sender is the object the event is about; the keyword arguments are listed with each signal.
"""

from blinker import Namespace

_signals = Namespace()

quiz_opening = _signals.signal(
    "quiz-opening",
    doc="""
Sender: the Quiz about to be shown, saved as a draft, answered turn by turn or submitted.
Keyword: user. A receiver that refuses raises its own exception (courses raises CourseLocked
while a prerequisite of the quiz's course is not complete); the quiz service lets it through.
""",
)

attempt_submitted = _signals.signal(
    "attempt-submitted",
    doc="""
Sender: the Attempt just recorded (flushed, with its answers and automatic scores).
""",
)

attempt_shown = _signals.signal(
    "attempt-shown",
    doc="""
Sender: the Attempt whose result page is being shown. A receiver returns a dict of what its
capability adds to the page (placement: `sections`), or None; it changes nothing.
""",
)

score_overridden = _signals.signal(
    "score-overridden",
    doc="""
Sender: the Attempt whose answer a manager overrode. Keyword: override (the new ScoreOverride,
flushed; `override.passed` is the attempt's pass after the override).
""",
)

course_completed = _signals.signal(
    "course-completed",
    doc="""
Sender: the id of the course just completed. Keyword: user_id.
""",
)

course_recognised = _signals.signal(
    "course-recognised",
    doc="""
Sender: the CourseRecognition just recorded (flushed): a course a placement section recognised
for a user. It counts as complete for prerequisites and the onboarding path, and for the
certifications that accept recognised courses.
""",
)

standards_acknowledged = _signals.signal(
    "standards-acknowledged",
    doc="""
Sender: the StandardsVersion acknowledged. Keyword: user_id.
""",
)

standard_status_changed = _signals.signal(
    "standard-status-changed",
    doc="""
Sender: None. Keyword: user_ids, the agents whose statuses on the standards were just
recomputed, sent when at least one of their statuses moved.
""",
)

evidence_wanted = _signals.signal(
    "evidence-wanted",
    doc="""
Sender: None. Keywords: user_ids, rules (the standards' evidence rules), first and last (the
days of the window). Asked while the standards' statuses are computed: a receiver returns an
iterable of (user id, Evidence) from its capability, in a fixed number of queries, or None; it
changes nothing.
""",
)

certificate_issued = _signals.signal(
    "certificate-issued",
    doc="""
Sender: the Certificate just issued (flushed). Keyword: renewal_of, the certificate it renews,
or None for a first issue.
""",
)

content_synced = _signals.signal(
    "content-synced",
    doc="""
Sender: the Catalogue just loaded into the database. Keyword: report (the SyncReport).
""",
)

invitation_requested = _signals.signal(
    "invitation-requested",
    doc="""
Sender: the User to invite to choose a password. Keyword: actor (the User who asked, or None).
The auth capability sends the link by e-mail; a refusal raises a ValueError whose `message`
says why (no mail set up, the person is deactivated or has a password already).
""",
)

person_saved = _signals.signal(
    "person-saved",
    doc="""
Sender: the User just created or changed (by hand or by a CSV import).
""",
)

mail_sending = _signals.signal(
    "mail-sending",
    doc="""
Sender: None. Sent by the mail sender before each run, so that messages made only then (the
auth capability's password reset links) are queued and go out in the same run.
""",
)
