"""Answers that come from the rules rather than from the ranking alone (pure).

- the original question answered once a clarification added its missing fact;
- no contradiction: a rule that fires with a decision and names an entry answers from that entry,
  never « je ne sais pas » followed by « Décision : refuser »;
- no dead end: after « je ne sais pas », the closest topics, to pick by number.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.engine.analysis import ANSWERED, CLARIFY, NO_MATCH, Analysis, Answer, Candidate, Choice
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Scored
from bot.engine.rules import RuleOutcome
from bot.engine.safety_net import with_emergency

# The rules.toml fact of practical questions (opening hours, forms), which the FAQ never answers.
PRACTICAL = "question.pratique"
WHICH_ENTRY = "Votre question peut correspondre à plusieurs fiches : laquelle vous concerne ?"
TOPICS_QUESTION = "Votre question porte-t-elle sur l'un de ces sujets ?"


def _best_ranked(entry_ids: Sequence[str], ranked: Sequence[Scored]) -> str | None:
    """Of the given entries, the one the question's words rank best (else the first given)."""
    order = {r.entry_id: i for i, r in enumerate(ranked)}
    known = sorted(entry_ids, key=lambda e: order.get(e, len(order)))
    return known[0] if known else None


def decided_entry(
    kb: KnowledgeBase,
    outcome: RuleOutcome,
    ranked: Sequence[Scored],
    floor: float,
    unknown_max: float,
) -> str | None:
    """The entry of the highest-priority fired rule that gives a decision and names entries, if
    the question is about it at all: ranked first with `floor` confidence, not a practical
    question, and with less than `unknown_max` of its weight in words no entry knows.
    « Un usager a perdu sa carte d'identité, mairie ou commissariat ? » names the police, and is
    still a question the base does not answer."""
    if PRACTICAL in outcome.facts:
        return None
    scored = {r.entry_id: r for r in ranked}
    for rule in outcome.fired:
        if rule.decision:
            named = [e for e in rule.entries if e in kb.entries]
            best = _best_ranked(named, ranked)
            hit = scored.get(best or "")
            first = bool(ranked) and ranked[0].entry_id == best
            if hit is None or not first or hit.confidence < floor or hit.unknown >= unknown_max:
                return None
            return best
    return None


def resolved_answer(
    kb: KnowledgeBase,
    analysis: Analysis,
    outcome: RuleOutcome,
    entry_id: str | None,
    danger_entries: Collection[str],
) -> Answer:
    """The answer after a clarification: the chosen entry, or the one the rules now name."""
    if entry_id not in kb.entries:
        named = [e for e in outcome.entries if e in kb.entries]
        entry_id = _best_ranked(named, analysis.ranked)
        if entry_id is None and analysis.ranked:
            entry_id = analysis.ranked[0].entry_id
    if entry_id is None:
        return Answer(NO_MATCH, None, 0.0, outcome.escalate, None, (), (), (), (), outcome.trace())
    entry = kb.entries[entry_id]
    source_ids = dict.fromkeys([*entry.sources, *outcome.source_ids])
    return Answer(
        status=ANSWERED,
        entry_id=entry.id,
        confidence=1.0,
        escalate=outcome.escalate or entry.escalate,
        decision=outcome.decision or entry.decision,
        rules=tuple(r.id for r in outcome.fired),
        sources=tuple(kb.sources[s] for s in source_ids),
        # Already flagged on the question itself: the choice holds no personal data.
        personal_data=(),
        candidates=(),
        trace=(
            *outcome.trace(),
            f"Fiche donnée par la réponse à la question posée : « {entry.id} »",
        ),
        advice=with_emergency(
            tuple(r.advice for r in outcome.fired if r.advice),
            kb.emergency,
            outcome.facts,
            [entry.id],
            danger_entries,
            kb.emergency_entries,
        ),
    )


def closest_topics(
    kb: KnowledgeBase, outcome: RuleOutcome, ranked: Sequence[Scored], floor: float, limit: int
) -> tuple[Choice, ...]:
    """What to offer after « je ne sais pas »: the entries a fired rule is about, then the best
    ranked ones with at least `floor` confidence. None for a question nothing in the base is near."""
    ids = [e for e in outcome.entries if e in kb.entries]
    ids += [r.entry_id for r in ranked if r.confidence >= floor]
    return tuple(Choice(kb.entries[e].title, e) for e in list(dict.fromkeys(ids))[:limit])


def offered(
    kb: KnowledgeBase,
    status: str,
    candidates: Sequence[Candidate],
    outcome: RuleOutcome,
    ranked: Sequence[Scored],
    floor: float,
    limit: int,
) -> tuple[str, tuple[Choice, ...]]:
    """The question and numbered choices of a ranking tie (which entry?) or of « je ne sais pas »
    (the closest topics); none for an answer."""
    if status == CLARIFY:
        return WHICH_ENTRY, tuple(Choice(c.title, c.entry_id) for c in candidates)
    if status == NO_MATCH:
        choices = closest_topics(kb, outcome, ranked, floor, limit)
        return (TOPICS_QUESTION if choices else ""), choices
    return "", ()


def preferred_entry(
    outcome: RuleOutcome, ranked: Sequence[Scored], top: int, floor: float
) -> str | None:
    """The first entry of the deciding rule, when that rule prefers it (`prefer_entry`) and it is
    among the `top` best ranked with at least `floor` (what a clarification would offer): the
    rule knows the case better than the words' lean."""
    rule = next((r for r in outcome.fired if r.decision), None)
    if rule is None or not rule.prefer_entry or not rule.entries:
        return None
    wanted = rule.entries[0]
    near = any(r.entry_id == wanted and r.confidence >= floor for r in ranked[:top])
    return wanted if near else None
