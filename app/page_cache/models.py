from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DataGeneration(db.Model):
    """One row of change counters, moved by every committed change (see tracking.py).

    `epoch` is random and chosen when the row is created, so counters that start again from
    zero (a restored or emptied database) never match pages kept from before.
    """

    __tablename__ = "data_generation"
    __change_owner__ = None  # the counters themselves are not data any page shows

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger)
    # Data several people's pages show: content, teams, certifications, standards versions.
    shared: Mapped[int] = mapped_column(BigInteger, default=0)
    # Any change at all, for pages that show many people's data (team progress, reports).
    overall: Mapped[int] = mapped_column(BigInteger, default=0)
