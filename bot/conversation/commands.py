"""Chat commands, parsed from the message text (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One emoji digit per candidate, for answering a clarification with a reaction.
KEYCAP_DIGITS = {f"{d}\ufe0f\u20e3": d for d in range(1, 10)} | {
    f"{d}\u20e3": d for d in range(1, 10)
}


@dataclass(frozen=True)
class Command:
    name: str  # one of KNOWN, or "inconnue"
    argument: str = ""


KNOWN = ("aide", "sources", "article", "pourquoi", "plus", "consigne", "consignes", "kb", "stats")


def parse_command(text: str) -> Command | None:
    """A `!command`, or None when the text is a question."""
    stripped = text.strip()
    if not stripped.startswith("!"):
        return None
    head, _, rest = stripped[1:].partition(" ")
    name = head.strip().lower()
    if name in ("help", "aide"):
        return Command("aide")
    if name in KNOWN:
        return Command(name, rest.strip())
    return Command("inconnue", name)


_CHOICE = re.compile(r"^\s*(\d)\s*[.)]?\s*$")


def parse_choice(text: str, count: int) -> int | None:
    """ "2", "2.", "2)" or a keycap emoji picks candidate 2 (1-based) when it exists."""
    m = _CHOICE.match(text)
    digit = int(m.group(1)) if m else KEYCAP_DIGITS.get(text.strip())
    return digit if digit is not None and 1 <= digit <= count else None
