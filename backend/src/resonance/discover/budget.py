"""Request budgets per provider: per job, and per user per UTC day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal


class BudgetSpent(Exception):
    """No request left in this job's budget, or in the user's budget for today."""

    def __init__(self, provider: str, scope: Literal["job", "day"], limit: int) -> None:
        what = "this job" if scope == "job" else "this user today"
        super().__init__(f"provider {provider}: the {limit} requests allowed for {what} are spent")
        self.provider = provider
        self.scope = scope
        self.limit = limit


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def next_day() -> datetime:
    now = datetime.now(UTC)
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Budget:
    """Counts requests a provider sends; `spend` before each one.

    `job_used` carries over from earlier attempts of the same job (its checkpoint);
    `day_used` is what the user's jobs spent today before this one started counting.
    `unflushed` is what this run sent and has not yet written to the daily usage table.
    """

    provider: str
    per_job: int
    per_day: int
    job_used: int = 0
    day_used: int = 0
    unflushed: int = 0

    def spend(self) -> None:
        if self.job_used >= self.per_job:
            raise BudgetSpent(self.provider, "job", self.per_job)
        if self.day_used + self.unflushed >= self.per_day:
            raise BudgetSpent(self.provider, "day", self.per_day)
        self.job_used += 1
        self.unflushed += 1

    def take_unflushed(self) -> int:
        spent, self.unflushed = self.unflushed, 0
        self.day_used += spent
        return spent
