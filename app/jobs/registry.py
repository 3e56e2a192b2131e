"""The daily job's steps. Each capability adds its step here; every step must be idempotent."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DailyStep:
    name: str
    run: Callable[[], dict]  # returns counts of what it did, e.g. {"reminders": 3}
    order: int = 100


DAILY_STEPS: dict[str, DailyStep] = {}


def daily_step(name: str, order: int = 100):
    """Register a function as a step of `flask jobs run-daily`; a name used twice is an error."""

    def decorator(func):
        if name in DAILY_STEPS:
            raise RuntimeError(f"daily step {name!r} registered twice")
        DAILY_STEPS[name] = DailyStep(name, func, order)
        return func

    return decorator


def ordered_steps() -> list[DailyStep]:
    return sorted(DAILY_STEPS.values(), key=lambda step: (step.order, step.name))
