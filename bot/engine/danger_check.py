"""A victim named in words the base does not know: the danger entries offered, not « je ne sais pas » (pure).

Short messages that tell what was seen (« le petit 6 ans attaché devant la chambre, il pleure là »)
often hold no word of the base's danger vocabulary, set after set of blind cases: the ranking finds
nothing and the reply was « je ne sais pas ». When such a message names a child, a vulnerable adult
or a partner and tells something rather than asks for a procedure (« comment inscrire un enfant à la
crèche ? »), Repère asks back instead: is someone harmed or in danger? The danger entries that apply
to that victim are the choices, with the emergency numbers.

A message reads as a report when it asks what to do (« on fait quoi »), or else when it has no
question mark and asks for no procedure (`question.demarche` in rules.toml), nor, in a short
message, for a practical thing (`question.pratique`: « horaires de la PMI pour les vaccins des
bébés »). A long message names a practical thing in passing (« bébé seul dans un caddie au parking
depuis 40 min, la mère est partie »): two blind sets' « je ne sais pas » of 8 December.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from bot.engine.analysis import CLARIFY, NO_MATCH, Answer, Candidate, Choice
from bot.engine.knowledge import KnowledgeBase
from bot.engine.priors import PRACTICAL
from bot.engine.safety_net import VICTIM_FACTS, with_emergency

# Set by Engine.analyse when the message holds a « ? » (the normaliser drops punctuation).
QUESTION_MARK = "forme.question"
# Set by Engine.analyse when the message holds at least TOLD_WORDS words: a situation told.
TOLD = "forme.recit"
TOLD_WORDS = 12
# rules.toml: « on fait quoi », « qui appeler », « c grave ? »: a question, but about the situation.
WHAT_TO_DO = "question.que_faire"
# rules.toml: a procedure, a benefit, a date, a price, a form: what the FAQ never holds.
PROCEDURE = "question.demarche"

DANGER_CHECK = (
    "Je n'ai pas de fiche qui réponde exactement à votre message. Si quelqu'un est maltraité, "
    "négligé ou en danger, l'une de ces fiches s'applique ; sinon, reformulez avec les mots de "
    "votre situation."
)
TRACE = "Une personne à protéger est nommée, sans mot connu de la base : les fiches de danger sont proposées."


def reads_as_report(facts: Collection[str]) -> bool:
    """A victim is named, and the message asks what to do, or tells without asking anything."""
    seen = set(facts)
    if not VICTIM_FACTS & seen:
        return False
    if WHAT_TO_DO in seen:  # « il est seul depuis ce matin, on fait comment ? »
        return True
    asks_practical = PRACTICAL in seen and TOLD not in seen
    return PROCEDURE not in seen and not asks_practical and QUESTION_MARK not in seen


def form_facts(question: str) -> frozenset[str]:
    """What the message's form says, which the normaliser drops: a « ? », a situation told."""
    facts = {QUESTION_MARK} if "?" in question else set()
    if len(question.split()) >= TOLD_WORDS:
        facts.add(TOLD)
    return frozenset(facts)


def victim_entries(kb: KnowledgeBase, facts: Collection[str]) -> tuple[str, ...]:
    """The entries of the danger rules written for the victims named (a rule whose conditions
    include that victim alone), highest rule first: the child's, the vulnerable adult's, the
    partner's."""
    seen = set(facts)
    rules = sorted(
        (
            r
            for r in kb.rules
            if r.always_answer and any(len(g) == 1 and g[0] in seen & VICTIM_FACTS for g in r.when)
        ),
        key=lambda r: -r.priority,
    )
    return tuple(dict.fromkeys(e for r in rules for e in r.entries if e in kb.entries))


def checked_for_danger(
    kb: KnowledgeBase, facts: Collection[str], answer: Answer, danger: Collection[str]
) -> Answer:
    """`answer`, or, for a « je ne sais pas » to a message that reads as a report about a victim,
    the question back with that victim's danger entries as choices."""
    if answer.status != NO_MATCH or answer.escalate or not reads_as_report(facts):
        return answer
    offers = victim_entries(kb, facts)
    if not offers:
        return answer
    titles = [kb.entries[e].title for e in offers]
    source_ids = dict.fromkeys(s for e in offers for s in kb.entries[e].sources)
    return replace(
        answer,
        status=CLARIFY,
        entry_id=offers[0],
        candidates=tuple(Candidate(e, t, 0.0) for e, t in zip(offers, titles, strict=True)),
        choices=tuple(Choice(t, e) for e, t in zip(offers, titles, strict=True)),
        question=DANGER_CHECK,
        sources=tuple(kb.sources[s] for s in source_ids if s in kb.sources),
        advice=with_emergency(
            answer.advice, kb.emergency, facts, offers, danger, kb.emergency_entries
        ),
        trace=(*answer.trace, TRACE),
        caught=True,
    )
