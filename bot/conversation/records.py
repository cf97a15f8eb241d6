"""Rows the storage hands to the policy: plain values, so the policy never touches SQLite."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class GuidanceRow:
    number: int
    target: str
    text: str
    posted: dt.date
    expires: dt.date | None


@dataclass(frozen=True)
class StatRow:
    entry_id: str
    status: str
    count: int


@dataclass(frozen=True)
class FeedbackRow:
    entry_id: str
    up: int
    down: int
