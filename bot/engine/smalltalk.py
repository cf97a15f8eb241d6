"""Small talk: is a message only a greeting, a thank-you, a goodbye or a question about the bot? (pure)

Only when the message holds nothing else: every word must belong to one of the phrases of
`smalltalk.toml` or to its filler words. "bonjour, la police me demande l'adresse" keeps words
that are neither, so it is a question and goes to the matcher.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from bot.engine.knowledge import SMALLTALK_KINDS, SmallTalk
from bot.engine.normalize import fold

# When a message mixes kinds, the one that says most wins: "bonjour, tu sers à quoi ?" is about
# the bot, "merci, bonne soirée" is a thank-you.
_PRECEDENCE = ("about", "thanks", "goodbye", "greeting")
_REPEATS = re.compile(r"(\w)\1+")
# A longer message is a question, whatever its words (a thank-you with a new question in it).
MAX_WORDS = 20
# A message that opens or closes with small talk and says a few more words the base does not
# know ("ok merci je transmets à ma cheffe") is small talk too, but only when nothing else in it
# is understood: `lead` gives its kind, the engine checks that no fact and no entry is seen.
MAX_REST = 5
# Function words do not count in those few (« premiere fois que j ecris au bot » says three words).
# Narrower than normalize.STOPWORDS on purpose: « pourquoi », « qui », « pas », « moi » turn the
# words beside a greeting into a question, so they still count.
_FUNCTION = frozenset(
    (
        "a au aux avec c ce d dans de des du elle en est et il j je l la le les m ma me mes mon n ne "
        "nous on ou par pour qu que s sa se ses son suis sur t ta te tes ton tu un une vous y"
    ).split()
)
# Words that speak to the bot. Not « vous »: colleagues are « vous » too, and a pasted message says
# « vous avez son numéro ? » to the worker.
_ADDRESS = frozenset("tu te toi ton ta tes t repere bot robot chatbot assistant".split())
# A word of five letters or more may carry one typo, two letters swapped counting as one ("mrci" is
# too short to guess, "bonjor" and "bonjoru" are not).
_TYPO_FROM = 5


def _same(word: str, expected: str) -> bool:
    if word == expected:
        return True
    return len(expected) >= _TYPO_FROM and OSA.distance(word, expected, score_cutoff=1) <= 1


# Words, and emoji as words of their own ("🙏" thanks, "👋" greets); skin tones and variation
# selectors dropped, so "👍🏽" is "👍".
_WORD = re.compile(r"[a-z0-9]+|[\U0001F300-\U0001F3FA\U0001F400-\U0001FAFF\u2600-\u27BF]")


# « t'es », « t'as » are how « tu es », « tu as » are typed: one spelling for the phrases and the
# messages.
_T_ES = re.compile(r"\bt (es|as)\b")


def words(text: str) -> tuple[str, ...]:
    """Folded words and emoji, punctuation dropped, repeated letters collapsed ("merciii")."""
    folded = fold(text).replace("@+", " a plus ").replace("+", " plus ")  # « a+ », « @+ »
    tokens = " ".join(_REPEATS.sub(r"\1", w) for w in _WORD.findall(folded))
    return tuple(_T_ES.sub(r"tu \1", tokens).split())


class SmallTalkMatcher:
    """The phrases as word sequences, longest first, so "a plus tard" wins over "a plus"."""

    def __init__(self, data: SmallTalk) -> None:
        pieces = [(words(p), kind) for kind in SMALLTALK_KINDS for p in data.phrases.get(kind, ())]
        pieces += [(words(f), "") for f in data.filler]
        self.pieces = sorted(((seq, kind) for seq, kind in pieces if seq), key=lambda p: -len(p[0]))

    def kind(self, text: str) -> str | None:
        """The kind of small talk, or None when the message holds anything else."""
        tokens = words(text)
        if not tokens or len(tokens) > MAX_WORDS:
            return None
        covered, seen = self._cover(tokens)
        return _strongest(seen) if covered == len(tokens) else None

    def lead(self, text: str) -> str | None:
        """The kind of the small talk a message opens or closes with, when at most MAX_REST
        other words remain; None otherwise. Only a fallback: see MAX_REST."""
        tokens = words(text)
        if not tokens or len(tokens) > MAX_WORDS:
            return None
        covered, seen = self._cover(tokens)
        kind = _strongest(seen)
        rest = tokens[covered:]
        # A greeting or thanks with context keeps its function words free (« bonjour, je suis
        # nouvelle dans le service »); a question about the bot followed by more words is a real
        # question (« qui repond dans le service, moi ou ma cheffe »): every word counts.
        left = len(rest) if kind == "about" else _rest(rest)
        if kind is not None and left <= MAX_REST and _said(tokens[:covered]):
            return kind
        for start in range(1, min(MAX_REST, len(tokens) - 1) + 1):
            tail = tokens[start:]
            covered, seen = self._cover(tail)
            if covered == len(tail) and _strongest(seen) is not None and _said(tail):
                return _strongest(seen)
        return None

    def addressed(self, text: str) -> bool:
        """The message speaks to the bot (« tu », « t'… », « Repère », « le bot »): when nothing
        else in it is understood, it is a question about the bot (« tu réponds aussi le week-end »,
        « mes messages ils partent où, repere ? »). Only a fallback: see special.py."""
        tokens = words(text)
        return 0 < len(tokens) <= MAX_WORDS and any(t in _ADDRESS for t in tokens)

    def _cover(self, tokens: tuple[str, ...]) -> tuple[int, set[str]]:
        """How many tokens the phrases and fillers cover from the start, and the kinds seen."""
        seen: set[str] = set()
        i = 0
        while i < len(tokens):
            for seq, kind in self.pieces:
                window = tokens[i : i + len(seq)]
                if len(window) == len(seq) and all(map(_same, window, seq)):
                    if kind:
                        seen.add(kind)
                    i += len(seq)
                    break
            else:
                break
        return i, seen


def _rest(tokens: tuple[str, ...]) -> int:
    return sum(t not in _FUNCTION for t in tokens)


def _said(tokens: tuple[str, ...]) -> bool:
    """Enough small talk to count beside unknown words: « c'est » is not « cc » (a greeting once
    its repeated letter is collapsed), « re » and « yo » are too short to tell."""
    return sum(len(t) for t in tokens) >= 4


def _strongest(seen: set[str]) -> str | None:
    return next((k for k in _PRECEDENCE if k in seen), None)
