"""Counting the SQL statements a block of code sends, to show that pages do not grow with data."""

from contextlib import contextmanager

from sqlalchemy import event


class QueryCount:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine):
    counter = QueryCount()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def reads_of(engine, fragment: str, action) -> tuple[int, object]:
    """How many statements holding `fragment` (a column, say) `action()` sent, and its result."""
    with count_queries(engine) as counter:
        result = action()
    return sum(fragment in statement for statement in counter.statements), result
