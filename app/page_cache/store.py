"""An in-process store of rendered pages: least recently used first out, with a byte budget
and a time limit.

Entries are only ever looked up under keys that include the change counters, so a changed
page is simply never asked for again and ages out; the time limit bounds what counters do not
see, such as a due date turning overdue at midnight.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class PageStore:
    def __init__(self, max_bytes: int, max_age_seconds: float, clock=time.monotonic):
        self.max_bytes = max_bytes
        self.max_age = max_age_seconds
        self._clock = clock
        self._entries: OrderedDict[tuple, tuple[float, object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the development server runs requests in threads
        self.hits = self.misses = 0

    def get(self, key: tuple):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry[0] > self.max_age:
                self.misses += 1
                if entry is not None:
                    self._drop(key)
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: tuple, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock(), value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._entries.pop(key)[2]
