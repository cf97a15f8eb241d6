"""`!plus`: the rest of the last answer, asked by command, by the word "plus" or by a ➕ reaction.

The first message of an answer fits a phone screen; what it leaves out (every key point and step,
related entries, the rules that fired) comes on demand, in the same thread or direct room.
"""

from __future__ import annotations

import re

from bot.conversation.decision import Address, Decision
from bot.conversation.state import LastAnswer
from bot.engine.normalize import fold
from bot.engine.render import Renderer

# Reactions that ask for the rest: ➕ (heavy plus sign), with or without the emoji selector.
MORE_REACTIONS = frozenset({"\u2795"})
# Messages that mean "the rest, please", after folding accents and case.
_MORE_WORDS = frozenset(
    {"plus", "+", "\u2795", "la suite", "suite", "en savoir plus", "plus de details", "et plus"}
)
_TRIM = re.compile(r"^[\s!.?…]+|[\s!.?…]+$")


def asks_for_more(text: str) -> bool:
    """ "plus", "Plus ?", "+", "la suite", "en savoir plus": the rest of the last answer."""
    return _TRIM.sub("", fold(text)) in _MORE_WORDS or text.strip() in _MORE_WORDS


def is_more_reaction(key: str) -> bool:
    return key.replace("\ufe0f", "") in MORE_REACTIONS


def more_decision(last: LastAnswer | None, to: Address, renderer: Renderer) -> Decision:
    """The rest of `last`, or a short notice when nothing was answered here yet."""
    if last is None:
        return Decision(to=to, reply=renderer.render_more(None), log="more: nothing answered")
    return Decision(
        to=to,
        reply=renderer.render_more(last.entry_id, last.rules),
        typing=True,
        log=f"more entry={last.entry_id}",
    )
