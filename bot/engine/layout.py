"""How long an answer looks on a phone, and the parts of an entry's body (pure text helpers).

The first message of an answer must fit a phone screen (issue 12, part 6): what counts is what a
chat client shows, so links count by their label, never by their address.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine.normalize import raw_tokens, stems

KEY_POINTS_HEADING = "**À retenir**"
STEPS_HEADING = "**Que faire maintenant**"
# The first message's shorter label for its few steps; `!plus` keeps the body's heading.
BRIEF_STEPS_HEADING = "**À faire**"

_MD_LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
# A URL as the plain-text replies write it: "label : https://…" or "label (https://…)".
_SHOWN_URL = re.compile(r"(?: : | ?\()?https?://[^\s)]+\)?")


def markdown_to_text(body: str) -> str:
    """A readable plain-text form of an entry's Markdown."""
    text = _MD_LINK.sub(r"\1 (\2)", body)
    text = _MD_EMPH.sub(r"\2", text)
    return text.replace("`", "")


def shown_chars(text: str, line_breaks: bool = False) -> int:
    """The characters a phone shows for a plain-text reply: the addresses of links left out, and
    line breaks too (they are not characters on the screen) unless `line_breaks`."""
    shown = _SHOWN_URL.sub("", text)
    return len(shown) if line_breaks else len(shown.replace("\n", ""))


# A step whose content words are at least this share of another line's is the same advice. Measured
# on the dev sets' answers (2 December 2026): from 2/3 up, the step says what the rule's advice says
# (« Orientez le tiers vers la personne elle-même » beside « proposez au tiers de s'adresser à elle
# directement »); below, it adds something (who may requisition, a register, the children).
COVERED_SHARE = 2 / 3


def content_words(text: str) -> frozenset[str]:
    return frozenset(stems(raw_tokens(text)))


class WordSets:
    """`content_words` remembered per line. The lines compared are an entry's steps and direct
    answer and the rules' advice, a few hundred fixed strings; stemming them again for every
    answer was half the cost of rendering one (`repere bench`, 3 December 2026). Bounded all the
    same: a base reloaded many times brings new lines."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._known: dict[str, frozenset[str]] = {}

    def __call__(self, text: str) -> frozenset[str]:
        words = self._known.get(text)
        if words is None:
            if len(self._known) >= self.limit:
                self._known.clear()
            words = self._known[text] = content_words(text)
        return words


def covered_by(
    line: str, others: Sequence[str], words_of: Callable[[str], frozenset[str]] = content_words
) -> bool:
    """`line` repeats what `others` already say: at least COVERED_SHARE of its content words are
    in them, and every number it gives (17, 112, 3 750…) too."""
    words = words_of(line)
    if not words:
        return False
    seen: frozenset[str] = frozenset().union(*(words_of(o) for o in others))
    if any(w.isdigit() for w in words - seen):
        return False
    return len(words & seen) >= COVERED_SHARE * len(words)


@dataclass(frozen=True)
class BodyParts:
    """An entry's body cut at its two headings (docs/knowledge-format.md), Markdown kept."""

    direct: str
    key_points: str
    steps: str


def split_body(body: str) -> BodyParts:
    head, _, rest = body.partition(KEY_POINTS_HEADING)
    points, _, steps = rest.partition(STEPS_HEADING)
    return BodyParts(head.strip(), points.strip(), steps.strip())


@dataclass(frozen=True)
class LengthSummary:
    count: int
    median: float
    p90: float
    maximum: int

    def line(self, label: str) -> str:
        return (
            f"{label} : {self.count} réponses, médiane {self.median:.0f}, "
            f"90 % ≤ {self.p90:.0f}, max {self.maximum} caractères affichés"
        )


def summarize(lengths: Sequence[int]) -> LengthSummary:
    """Median, 90th percentile (nearest rank) and maximum of a list of shown lengths."""
    if not lengths:
        return LengthSummary(0, 0.0, 0.0, 0)
    ordered = sorted(lengths)
    rank = max(0, -(-9 * len(ordered) // 10) - 1)
    return LengthSummary(
        len(ordered), float(statistics.median(ordered)), float(ordered[rank]), ordered[-1]
    )
