"""What the policy is told about an event: plain values, translated from Matrix by the shell."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """The bot as users address it."""

    user_id: str
    display_name: str | None = None


@dataclass(frozen=True)
class Incoming:
    """A text message: who, where (direct or group, thread), what."""

    event_id: str
    room_id: str
    sender: str
    direct: bool
    root: str | None  # the thread it was posted in, if any
    body: str
    mentioned: bool = False  # by a mention, a pill, or the bot's name at the start
    notice: bool = False  # m.notice: another bot's (or our own) output, never answered
    power_level: int = 0  # filled in only when `wants_power_level` says so

    @property
    def thread_key(self) -> str | None:
        """Conversations are per thread in groups, per room in direct chats."""
        return self.root if (self.root or not self.direct) else None


@dataclass(frozen=True)
class Reaction:
    event_id: str
    room_id: str
    sender: str
    key: str
    reacts_to: str


def strip_mention(body: str, identity: Identity) -> str:
    """The question without the leading "Repère:" or "@repere:server" that addressed it."""
    user_id = identity.user_id
    names = [re.escape(user_id), re.escape(user_id[1:].split(":")[0])]
    if identity.display_name:
        names.append(re.escape(identity.display_name))
    pattern = re.compile(rf"^\s*@?(?:{'|'.join(names)})\s*[:,]?\s*", re.IGNORECASE)
    return pattern.sub("", body, count=1)
