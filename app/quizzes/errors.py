"""The quiz capability's domain error."""


class QuizRefused(Exception):
    """A submission is not accepted; `message` says why, `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status
