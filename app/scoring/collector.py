"""Building many small objects at once with the garbage collector paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a rubric or a model is built, and restore it as
    it was (also on an error). Each collection of the oldest generation walks every object of
    the process; a build that makes tens of thousands of objects would start several of them
    and pay for the whole process each time. Nothing is lost: cycles made meanwhile are found
    by the next collection."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
