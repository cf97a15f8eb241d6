"""Per-sender flood limit, in memory only: a sliding window of message times."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    per_minute: int
    window_s: float = 60.0
    _hits: dict[str, deque[float]] = field(default_factory=dict)
    _warned_at: dict[str, float] = field(default_factory=dict)

    def allow(self, sender: str, now: float) -> bool:
        hits = self._hits.setdefault(sender, deque())
        while hits and now - hits[0] > self.window_s:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(now)
        return True

    def should_warn(self, sender: str, now: float) -> bool:
        """At most one polite notice per sender per window."""
        last = self._warned_at.get(sender)
        if last is not None and now - last < self.window_s:
            return False
        self._warned_at[sender] = now
        return True

    def forget_idle(self, now: float) -> None:
        """Drop senders idle for a whole window, so memory stays flat."""
        for sender in [s for s, h in self._hits.items() if not h or now - h[-1] > self.window_s]:
            del self._hits[sender]
        for sender in [s for s, t in self._warned_at.items() if now - t > self.window_s]:
            del self._warned_at[sender]
