"""What the facts of a question say about each entry, before any word is matched (pure)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping

from bot.engine.knowledge import KnowledgeBase
from bot.engine.rules import RuleEngine, RuleOutcome

# The rules.toml fact that marks a request for practical information, which the FAQ never holds.
PRACTICAL = "question.pratique"
# Facts that only tell whether the police speak to the worker at all (rules.toml, « contact.police »,
# and the narrower « police.demande » the CLSPD seat rule reads): words like « demande », « dit »,
# « message » say nothing about which entry a question is about.
GATE_FACTS = frozenset({"contact.police", "police.demande"})


def is_practical(outcome: RuleOutcome) -> bool:
    """A practical question (opening hours, a form, the software) that no decision rule is about.

    A fired rule means the question is about a situation of the base: "ils veulent son adresse,
    on l'a dans le logiciel" is a requisition, not a question about the software.
    """
    return PRACTICAL in outcome.facts and not outcome.fired


def fact_profiles(
    kb: KnowledgeBase, rules: RuleEngine, analysed: dict[str, list[tuple[list[str], list[str]]]]
) -> dict[str, dict[str, float]]:
    """For each entry, the share of its phrasings in which each fact a rule decides on is seen.

    Facts no rule uses (those that only read a clarification's answer) stay out of the ranking.
    """
    used = {f for r in kb.rules for group in r.when for f in group}
    used |= {f for r in kb.rules for f in r.unless}
    used -= GATE_FACTS
    profiles: dict[str, dict[str, float]] = {}
    for eid, entry in kb.entries.items():
        questions = analysed[eid][1 : 1 + len(entry.questions)]
        seen = Counter(
            f for tokens, literal in questions for f in rules.facts(tokens, literal) if f in used
        )
        profiles[eid] = {f: n / len(questions) for f, n in seen.items()} if questions else {}
    return profiles


def fact_prior(
    outcome: RuleOutcome,
    fact_weights: Mapping[str, float],
    profiles: Mapping[str, Mapping[str, float]],
) -> Callable[[str], float]:
    """What the facts alone say about an entry, in [0, 1].

    Half comes from the fired rules (the entries they name), half from how often the facts
    seen in the question also appear in the entry's phrasings. Facts group words the
    thesaurus keeps apart: « sœur », « bailleur » and « employeur » are all a third party.
    Computed only for the entries the matcher asks about: a large base stays fast.
    """
    named = frozenset(outcome.entries)
    weights = {f: fact_weights.get(f, 0.0) for f in outcome.facts - {PRACTICAL}}
    total = sum(weights.values())

    def of(entry_id: str) -> float:
        value = 0.5 if entry_id in named else 0.0
        if total:
            profile = profiles.get(entry_id, {})
            value += 0.5 * sum(w * profile.get(f, 0.0) for f, w in weights.items()) / total
        return value

    return of


def fact_weights(profiles: Mapping[str, Mapping[str, float]], n: int) -> dict[str, float]:
    """A fact seen in every entry's phrasings says nothing; a rare one says much."""
    spread: Counter[str] = Counter()
    for profile in profiles.values():
        spread.update(profile)
    return {f: math.log((n + 1) / (k + 0.5)) for f, k in spread.items()}
