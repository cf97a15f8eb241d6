"""Guided decision: when a question lacks the one fact that separates its entries, ask for it.

The deciding facts, their questions and choices are data (knowledge/clarify.toml). Everything here
is pure: facts, entry ids and scores in, an `Answer` or a choice number out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.engine.analysis import CLARIFY, Answer, Candidate, Choice
from bot.engine.knowledge import Ask, KnowledgeBase
from bot.engine.matcher import Scored
from bot.engine.rules import RuleOutcome
from bot.engine.safety_net import with_emergency

# An ask is about the question only if its entries are among the best-ranked ones: « l'usager
# demande à lire son dossier » has someone asking, but it is surely about the social file.
RELEVANT_TOP = 5
# When no entry is sure, one of the ask's entries among the best five is enough (three until
# 2026-12-02: five asked 2 more of 45 on each guided dev set, dev top-1 and off-topic unchanged).
ANY_TOP = 5
OTHER_PREFIX = "Autre : "
# The decisions of the danger rules: a danger is answered at once, never delayed by a question.
DANGER_DECISIONS = frozenset({"signaler", "agir immédiatement"})


def applies(ask: Ask, facts: Collection[str]) -> bool:
    """Each `when` group holds and no fact of `answered_by` is there (never ask a known fact);
    with the asker unnamed, its `weak` facts are mentions and do not count."""
    unnamed = any(f in facts for f in ask.unnamed)
    known = [f for f in ask.answered_by if not (unnamed and f in ask.weak)]
    return all(any(f in facts for f in group) for group in ask.when) and not any(
        f in facts for f in known
    )


def find_ask(
    asks: Sequence[Ask], outcome: RuleOutcome, ranked: Sequence[Scored], sure: float
) -> Ask | None:
    """The highest-priority ask the question calls for, if any: its best entry is one the ask
    leads to, or no entry reaches `sure` confidence and one of the ask's entries is among the
    best three."""
    if any(r.always_answer and r.decision in DANGER_DECISIONS for r in outcome.fired):
        return None
    top = [r.entry_id for r in ranked[:RELEVANT_TOP]]
    for ask in asks:
        if not applies(ask, outcome.facts):
            continue
        mine = set(ask.entries)
        # « on me demande… », « qqn veut savoir… »: the asker is unnamed, so no entry can be sure.
        unnamed = any(f in outcome.facts for f in ask.unnamed)
        unsure = unnamed or not ranked or ranked[0].confidence < sure
        if (top and top[0] in mine) or (unsure and mine.intersection(top[:ANY_TOP])):
            return ask
    return None


def ask_choices(ask: Ask) -> tuple[Choice, ...]:
    """The numbered choices, « autre » last: it leads to an entry too, never to a dead end."""
    other = Choice(OTHER_PREFIX + ask.other.label, ask.other.entry, ask.other.facts)
    return (*(Choice(c.label, c.entry, c.facts) for c in ask.choices), other)


def ask_answer(
    kb: KnowledgeBase,
    ask: Ask,
    outcome: RuleOutcome,
    ranked: Sequence[Scored],
    personal: tuple[str, ...],
    danger_entries: Collection[str],
) -> Answer:
    """Ask for the deciding fact. Police or justice in the question still escalates (a rule that
    escalates fired; the usual typos of their names are among the facts' words)."""
    choices = ask_choices(ask)
    scores = {r.entry_id: r.confidence for r in ranked}
    entry_ids = tuple(dict.fromkeys(c.entry_id for c in choices))
    candidates = tuple(
        Candidate(eid, kb.entries[eid].title, round(scores.get(eid, 0.0), 3)) for eid in entry_ids
    )
    # The best guess among the choices: what `entry_id` means for a clarification.
    guess = next((r for r in ranked if r.entry_id in entry_ids), None)
    guess_id = guess.entry_id if guess is not None else entry_ids[0]
    # Escalation from a police or justice request the question makes (a rule), never from the best
    # guess: the question asks who asks, so the guess cannot know it is the police.
    escalate = outcome.escalate
    # Every reply cites: the fired rules' texts, else those of the best guess.
    source_ids = outcome.source_ids or kb.entries[guess_id].sources
    return Answer(
        status=CLARIFY,
        entry_id=guess_id,
        confidence=round(guess.confidence, 3) if guess is not None else 0.0,
        escalate=escalate,
        decision=outcome.decision,
        rules=tuple(r.id for r in outcome.fired),
        sources=tuple(kb.sources[s] for s in source_ids if s in kb.sources),
        personal_data=personal,
        candidates=candidates,
        trace=(*outcome.trace(), f"Fait décisif demandé : « {ask.id} »"),
        advice=with_emergency(
            tuple(r.advice for r in outcome.fired if r.advice),
            kb.emergency,
            outcome.facts,
            entry_ids,
            danger_entries,
            kb.emergency_entries,
        ),
        question=ask.question,
        choices=choices,
    )


def choice_from_reply(choices: Sequence[Choice], reply_facts: Collection[str]) -> int | None:
    """The choice (1-based) a reply in words names by its facts: « c'est un gendarme » is the
    police. The first choice holding one of the reply's facts wins, in the order offered."""
    for number, choice in enumerate(choices, start=1):
        if any(f in reply_facts for f in choice.facts):
            return number
    return None
