"""What a new password must be: long enough, and not one that attackers try first."""

import functools
import gzip
from pathlib import Path

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (data/README.md), read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    # The list is lower case: "Password123" is as guessable as "password123".
    return password.strip().lower() in common_passwords()
