"""The « pourquoi » of an answer: facts, rules, the best entry and why it was given (pure)."""

from __future__ import annotations

from bot.engine.matcher import Scored
from bot.engine.rules import RuleOutcome


def decision_trace(
    outcome: RuleOutcome,
    best: Scored | None,
    rule_entry: str | None,
    near_danger: str | None,
    decided: str | None,
) -> tuple[str, ...]:
    """What `!pourquoi` shows: never the question's words, only ids and scores."""
    trace = list(outcome.trace())
    if best is not None:
        trace.append(
            f"Meilleure fiche : « {best.entry_id} » (confiance {best.confidence:.2f} ; "
            f"mots {best.dice:.2f}, couverture {best.coverage:.2f}, proximité {best.fuzzy:.2f})"
        )
    else:
        trace.append("Aucune fiche ne partage de mot avec la question")
    if rule_entry is not None:
        trace.append(f"Fiche donnée par la règle de danger : « {rule_entry} »")
    if near_danger is not None:
        trace.append(
            f"Fiche de danger proche, donnée plutôt que « je ne sais pas » : « {near_danger} »"
        )
    if decided is not None:
        trace.append(f"Fiche donnée par la règle qui décide : « {decided} »")
    return tuple(trace)
