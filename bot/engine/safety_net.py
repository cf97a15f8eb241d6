"""The emergency numbers under every answer that touches a danger (pure).

A danger rule brings its own numbers in its advice. But a danger question can reach a danger entry
without any danger rule (words no rule knows, a police rule that set the danger rules aside, a
ranking that offered the entry): the reply must still say what to do if the danger is happening now.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.engine.kb_files import EMERGENCY_NUMBERS
from bot.engine.knowledge import KnowledgeBase

# A concrete harm told in the question (rules.toml), with or without a victim named.
HARM_FACTS = frozenset({"signal.mal"})
# A danger or an emergency in general words counts with a victim named: the facts of the danger rules.
DANGER_FACTS = frozenset({"signal.danger", "signal.urgence"})
VICTIM_FACTS = frozenset({"signal.mineur", "signal.vulnerable", "signal.conjugal"})


def touches_danger(facts: Collection[str]) -> bool:
    seen = set(facts)
    return bool(HARM_FACTS & seen) or bool(DANGER_FACTS & seen and VICTIM_FACTS & seen)


def has_numbers(advice: Iterable[str]) -> bool:
    """Some advice line already gives every emergency number."""
    return any(all(n in a for n in EMERGENCY_NUMBERS) for a in advice)


def with_emergency(
    advice: tuple[str, ...],
    emergency: str,
    facts: Collection[str],
    reached: Iterable[str | None],
    danger_entries: Collection[str],
) -> tuple[str, ...]:
    """`advice`, plus the base's emergency line when a danger is touched and no line gives it."""
    touched = touches_danger(facts) or any(e in danger_entries for e in reached if e)
    if not emergency or not touched or has_numbers(advice):
        return advice
    return (*advice, emergency)


def danger_entries(kb: KnowledgeBase) -> frozenset[str]:
    """The entries of the danger rules (those that always answer, to report or to act now)."""
    return frozenset(
        e
        for r in kb.rules
        if r.always_answer and r.decision in ("signaler", "agir immédiatement")
        for e in r.entries
    )
