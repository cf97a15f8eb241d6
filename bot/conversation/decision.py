"""What the policy asks the shell to do: plain values, carried out in a fixed order.

Send the reply (or first run the stored command that words it), remember what the sent
event id is needed for, then count, record, redact.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.admin import Action
from bot.conversation.state import LastAnswer, Pending, PendingKey
from bot.engine.render import Reply


@dataclass(frozen=True)
class Address:
    """Where a reply goes: threaded in groups, a rich reply in direct chats."""

    in_reply_to: str
    direct: bool
    root: str | None
    sender: str


@dataclass(frozen=True)
class OnSent:
    """State that needs the reply's own event id (a reaction names it)."""

    pending: tuple[PendingKey, Pending] | None = None  # a clarification to answer by reaction
    answer_entry: str | None = None  # the entry a 👍/👎 on this reply is about
    last_answer: LastAnswer | None = None  # what a ➕ on this reply continues (`!plus`)


@dataclass(frozen=True)
class Count:
    entry_id: str | None
    status: str


@dataclass(frozen=True)
class Vote:
    entry_id: str
    up: bool


@dataclass(frozen=True)
class Decision:
    to: Address | None = None
    reply: Reply | None = None
    action: Action | None = None  # run by the shell against the store; its result is the reply
    typing: bool = False  # composing may be slow: show a typing notice if it is
    on_sent: OnSent | None = None
    count: Count | None = None
    vote: Vote | None = None
    unanswered: str | None = None  # the question scrubbed of personal data, to record
    redact: str | None = None  # the event id of a question holding personal data
    guidance_changed: bool = False
    log: str | None = None  # a line for the operator, never with message text or ids

    @property
    def quiet(self) -> bool:
        return self.to is None and self.count is None and self.vote is None


IGNORE = Decision()
