"""The conversation's memory, owned by the shell and handed to the policy (memory only).

Each map is bounded, so a long-running bot in many rooms keeps a flat footprint; nothing here
is ever written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversation.bounded import BoundedDict
from bot.conversation.ratelimit import RateLimiter
from bot.engine.analysis import Analysis, Choice

SEEN_CACHE = 5000

# (room, thread or None in a direct chat, sender): one pending choice per person per thread.
PendingKey = tuple[str, str | None, str]


@dataclass(frozen=True)
class Pending:
    """A clarification waiting for the user's choice: facts, entry ids and scores, never text.

    `analysis` is what the original question said (facts, ranked entry ids), so that it can be
    answered with the fact the choice adds; `choices` say where each numbered answer leads.
    """

    choices: tuple[Choice, ...]
    analysis: Analysis
    question_event_id: str
    direct: bool
    root: str | None
    asked_at: float


@dataclass(frozen=True)
class LastAnswer:
    """What `!plus` needs to give the rest of an answer: ids only, never the question's text."""

    entry_id: str
    rules: tuple[str, ...]
    direct: bool
    root: str | None  # the thread the answer was posted in, if any


# (room, thread or None in a direct chat): one conversation.
WhereKey = tuple[str, str | None]


def _bounded() -> BoundedDict[Any, Any]:
    return BoundedDict(SEEN_CACHE)


@dataclass
class ConversationState:
    limiter: RateLimiter
    pending: BoundedDict[PendingKey, Pending] = field(default_factory=_bounded)
    # The clarification notice's event id -> its pending key, for answers by reaction.
    pending_by_notice: BoundedDict[str, PendingKey] = field(default_factory=_bounded)
    # What `!pourquoi` explains, per (room, thread).
    last_trace: BoundedDict[tuple[str, str | None], tuple[str, ...]] = field(
        default_factory=_bounded
    )
    # What `!plus` continues: the last answer per (room, thread), and each answer by its
    # event id for a ➕ reaction on it (answered once per answer).
    last_answer: BoundedDict[WhereKey, LastAnswer] = field(default_factory=_bounded)
    answer_by_notice: BoundedDict[str, LastAnswer] = field(default_factory=_bounded)
    more_given: BoundedDict[str, None] = field(default_factory=_bounded)
    # Feedback: which entry each answer showed, and who already voted on it.
    answer_entry: BoundedDict[str, str] = field(default_factory=_bounded)
    votes: BoundedDict[tuple[str, str], None] = field(
        default_factory=lambda: BoundedDict(SEEN_CACHE * 4)
    )

    @classmethod
    def new(cls, rate_limit_per_minute: int) -> ConversationState:
        return cls(RateLimiter(rate_limit_per_minute))

    def after_sent(
        self,
        sent_event_id: str,
        pending: tuple[PendingKey, Pending] | None,
        answer_entry: str | None,
        last_answer: LastAnswer | None = None,
    ) -> None:
        if pending is not None:
            key, value = pending
            self.pending[key] = value
            self.pending_by_notice[sent_event_id] = key
        if answer_entry is not None:
            self.answer_entry[sent_event_id] = answer_entry
        if last_answer is not None:
            self.answer_by_notice[sent_event_id] = last_answer
