"""Small talk: is a message only a greeting, a thank-you, a goodbye or a question about the bot? (pure)

Only when the message holds nothing else: every word must belong to one of the phrases of
`smalltalk.toml` or to its filler words. "bonjour, la police me demande l'adresse" keeps words
that are neither, so it is a question and goes to the matcher.
"""

from __future__ import annotations

import re

from bot.engine.knowledge import SMALLTALK_KINDS, SmallTalk
from bot.engine.normalize import fold

# When a message mixes kinds, the one that says most wins: "bonjour, tu sers à quoi ?" is about
# the bot, "merci, bonne soirée" is a thank-you.
_PRECEDENCE = ("about", "thanks", "goodbye", "greeting")
_REPEATS = re.compile(r"(\w)\1+")


def words(text: str) -> tuple[str, ...]:
    """Folded words, punctuation and emoji dropped, repeated letters collapsed ("merciii")."""
    folded = fold(text).replace("+", " plus ")
    return tuple(_REPEATS.sub(r"\1", w) for w in re.findall(r"[a-z0-9]+", folded))


class SmallTalkMatcher:
    """The phrases as word sequences, longest first, so "a plus tard" wins over "a plus"."""

    def __init__(self, data: SmallTalk) -> None:
        pieces = [(words(p), kind) for kind in SMALLTALK_KINDS for p in data.phrases.get(kind, ())]
        pieces += [(words(f), "") for f in data.filler]
        self.pieces = sorted(((seq, kind) for seq, kind in pieces if seq), key=lambda p: -len(p[0]))

    def kind(self, text: str) -> str | None:
        """The kind of small talk, or None when the message holds anything else."""
        tokens = words(text)
        if not tokens or len(tokens) > 12:
            return None
        seen: set[str] = set()
        i = 0
        while i < len(tokens):
            for seq, kind in self.pieces:
                if tokens[i : i + len(seq)] == seq:
                    if kind:
                        seen.add(kind)
                    i += len(seq)
                    break
            else:
                return None
        return next((k for k in _PRECEDENCE if k in seen), None)
