"""The emergency numbers under every answer that touches a danger (pure).

A danger rule brings its own numbers in its advice. But a danger question can reach a danger entry
without any danger rule (words no rule knows, a police rule that set the danger rules aside, a
ranking that offered the entry): the reply must still say what to do if the danger is happening now.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from bot.engine.analysis import ANSWERED, CLARIFY, NO_MATCH, Candidate
from bot.engine.kb_files import EMERGENCY_NUMBERS
from bot.engine.knowledge import Entry, KnowledgeBase
from bot.engine.matcher import Scored
from bot.engine.rules import RuleOutcome

# A concrete harm told in the question (rules.toml), with or without a victim named.
HARM_FACTS = frozenset({"signal.mal"})
# A danger or an emergency in general words counts with a victim named: the facts of the danger rules.
DANGER_FACTS = frozenset({"signal.danger", "signal.urgence"})
VICTIM_FACTS = frozenset({"signal.mineur", "signal.vulnerable", "signal.conjugal"})
# Any of them, or a weapon: the question names something of a danger.
NET_FACTS = HARM_FACTS | DANGER_FACTS | VICTIM_FACTS | {"signal.arme"}


# Police or justice in the question (rules.toml): then the requisition route governs, unless the
# police are named only to be refused (« il ne veut pas de la police ») or called by the worker.
POLICE_FACTS = frozenset(
    {
        "demandeur.police",
        "demandeur.justice",
        "demande.requisition",
        # a summons, to testify or to be heard, comes from police or justice
        "demande.temoignage",
        "demande.audition_libre",
    }
)
# The police refused or called by the worker herself, a judge named only as context (« le juge est
# déjà saisi »), the police sitting in a CLSPD group, a party's lawyer who wants an attestation
# « pour le JAF », police who « ont rien demandé »: police or justice words, but nobody from them
# asks. When one of them does ask, a requisition rule fires and escalates whatever these facts say.
NOT_ASKING = frozenset(
    {
        "police.refus",
        "initiative.police",
        "justice.contexte",
        "police.siege",
        "police.rien",
        "demandeur.avocat",
    }
)


def nobody_asks_but_danger(outcome: RuleOutcome) -> bool:
    """A danger rule answers and no police or justice word is in the question.

    Then a police entry among the matches is the words drifting (« le 115 », « une note pour la
    commission »), not a requisition: the danger entry answers and nothing escalates.
    """
    return outcome.answer_entry is not None and not outcome.escalate and _no_police_request(outcome)


def judged_without_police(outcome: RuleOutcome) -> bool:
    """A rule decided without escalating (an élu to refuse, the mayor to inform) and no police or
    justice word is in the question: a police entry the words drift to (« demande des infos sur
    l'accompagnement d'un monsieur ») does not make it a requisition."""
    return outcome.decision is not None and not outcome.escalate and _no_police_request(outcome)


def deciding_entry(outcome: RuleOutcome) -> str | None:
    """The entry of the danger rule that answers, or else of the highest rule that decides."""
    if outcome.answer_entry is not None:
        return outcome.answer_entry
    return next((r.entries[0] for r in outcome.fired if r.decision and r.entries), None)


def _no_police_request(outcome: RuleOutcome) -> bool:
    """No police or justice word, or the police named only to be refused or called by the worker."""
    return not POLICE_FACTS & outcome.facts or bool(NOT_ASKING & outcome.facts)


def signals_danger(facts: Collection[str]) -> bool:
    """A victim, a harm, a danger, an emergency or a weapon is named."""
    return bool(NET_FACTS & set(facts))


def touches_danger(facts: Collection[str]) -> bool:
    """A harm told, a danger or an emergency beside a victim, or an emergency beside a danger or a
    weapon with no victim named (« un gendarme dit qu'une personne est en danger, c'est urgent »):
    the reply then carries the emergency numbers, whatever entry answers."""
    seen = set(facts)
    return (
        bool(HARM_FACTS & seen)
        or bool(DANGER_FACTS & seen and VICTIM_FACTS & seen)
        or ("signal.urgence" in seen and bool({"signal.danger", "signal.arme"} & seen))
    )


def has_numbers(advice: Iterable[str]) -> bool:
    """Some advice line already gives every emergency number."""
    return any(all(n in a for n in EMERGENCY_NUMBERS) for a in advice)


def with_emergency(
    advice: tuple[str, ...],
    emergency: str,
    facts: Collection[str],
    reached: Iterable[str | None],
    danger_entries: Collection[str],
    beside_danger: Collection[str] = (),
) -> tuple[str, ...]:
    """`advice`, plus the base's emergency line when a danger is touched and no line gives it.

    A danger entry reached touches a danger; an entry of `beside_danger` (base.toml
    « fiches_avec_numeros ») only beside a victim, a harm, a danger or a weapon named: partners of child
    protection share for many reasons, but a danger told can reach only that entry."""
    near = set(danger_entries) | (set(beside_danger) if signals_danger(facts) else set())
    touched = touches_danger(facts) or any(e in near for e in reached if e)
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


def candidates(kb: KnowledgeBase, scored: Sequence[Scored]) -> list[Candidate]:
    """Ranked entries as the candidates an answer offers."""
    return [
        Candidate(r.entry_id, kb.entries[r.entry_id].title, round(r.confidence, 3)) for r in scored
    ]


def ranked_with_danger(
    kb: KnowledgeBase,
    ranked: Sequence[Scored],
    limit: int,
    outcome: RuleOutcome,
    entry: Entry | None,
    danger: Collection[str],
) -> tuple[Candidate, ...]:
    """The entries offered beside an answer: the best ranked, and the danger rule's entry.

    A danger told beside another question (« combien de temps on garde les écrits ? sinon la
    petite est seule chez elle ») keeps its entry among those offered; so does a danger a police
    or justice rule set aside (the requisition route answers, the danger entry stays offered).
    """
    shown = candidates(kb, ranked[:limit])
    rule_danger = danger_offer(kb, outcome, danger)
    if (
        rule_danger is not None
        and rule_danger in kb.entries
        and entry is not None
        and entry.id not in danger
        and all(c.entry_id != rule_danger for c in shown)
    ):
        shown.insert(1, Candidate(rule_danger, kb.entries[rule_danger].title, 0.0))
    return tuple(shown[:limit])


def fired_danger(outcome: RuleOutcome, danger: Collection[str]) -> str | None:
    """The entry of the highest fired danger rule (a rule of higher priority, such as the CLSPD
    one, may name its own entry first)."""
    return next(
        (
            r.entries[0]
            for r in outcome.fired
            if r.always_answer and r.entries and r.entries[0] in danger
        ),
        None,
    )


def danger_offer(kb: KnowledgeBase, outcome: RuleOutcome, danger: Collection[str]) -> str | None:
    """The danger entry to keep among those offered: a fired danger rule's, one a police or
    justice rule set aside, or, when a danger is named, one a fired rule is about (a caller who
    says he is police and that a man « a disparu, c'est une question de vie ou de mort »: no
    danger rule fires, the requisition rule answers and names the danger entry)."""
    return (
        fired_danger(outcome, danger)
        or set_aside_danger(kb, outcome, danger)
        or named_danger(outcome, danger)
    )


def named_danger(outcome: RuleOutcome, danger: Collection[str]) -> str | None:
    """The first danger entry a fired rule names, when the question names a danger."""
    if not signals_danger(outcome.facts):
        return None
    return next((e for e in outcome.entries if e in danger), None)


def with_danger_offer(
    kb: KnowledgeBase, top: Sequence[Scored], outcome: RuleOutcome, danger: Collection[str]
) -> tuple[Candidate, ...]:
    """The entries a ranking tie offers, and the danger entry when a danger is told beside a
    police request (« un enfant retrouvé seul, vous suivez la famille ? »)."""
    shown = candidates(kb, top)
    offer = danger_offer(kb, outcome, danger)
    if offer is not None and offer in kb.entries and all(c.entry_id != offer for c in shown):
        shown.append(Candidate(offer, kb.entries[offer].title, 0.0))
    return tuple(shown)


def set_aside_danger(
    kb: KnowledgeBase, outcome: RuleOutcome, danger: Collection[str]
) -> str | None:
    """The entry of the highest danger rule a more precise rule overrode, if any."""
    aside = sorted(
        (
            r
            for r in kb.rules
            if r.id in outcome.overridden
            and r.always_answer
            and r.entries
            and r.entries[0] in danger
        ),
        key=lambda r: -r.priority,
    )
    return aside[0].entries[0] if aside else None


def near_danger_entry(
    ranked: Sequence[Scored], danger: Collection[str], floor: float
) -> str | None:
    """The first danger entry ranked close enough to answer a « je ne sais pas »."""
    return next(
        (r.entry_id for r in ranked if r.entry_id in danger and r.confidence >= floor), None
    )


def escalates(
    kb: KnowledgeBase,
    outcome: RuleOutcome,
    status: str,
    entry: Entry | None,
    candidates: Sequence[Candidate],
    best: Scored | None,
    floor: float,
) -> bool:
    """Escalation from a police or justice request (a rule), or from a police entry the words
    surely lead to; never from police words beside a danger nobody asks about, nor against a rule
    that decided with no police or justice in the question."""
    if outcome.escalate:
        return True
    if nobody_asks_but_danger(outcome) or judged_without_police(outcome):
        return False
    police_named = not _no_police_request(outcome)
    chosen = escalating_candidates(status, entry, candidates, best, floor, police_named)
    return any(kb.entries[eid].escalate for eid in chosen)


def escalating_candidates(
    status: str,
    entry: Entry | None,
    candidates: Sequence[Candidate],
    best: Scored | None,
    floor: float,
    police_named: bool,
) -> tuple[str, ...]:
    """The entries whose escalation the answer carries, when police or justice are named: the
    one answered, the best of those a clarification offers (a police entry offered second is the
    words drifting: police words fire the requisition rules), or the best guess of a « je ne sais
    pas » close enough (« top merci pour la réponse rapide » is no requisition).

    With no police or justice word, a police entry is the words drifting too (« l'IDE dit qu'on
    attend le médecin lundi », « sa fille le laisse plus voir personne »): measured on the dev
    sets on 3 December 2026, false escalations fell and no police request lost its escalation."""
    if not police_named:
        return ()
    if status == ANSWERED:
        return (entry.id,) if entry is not None else ()
    if status == CLARIFY:
        return tuple(c.entry_id for c in candidates[:1])
    if status == NO_MATCH and police_named and best is not None and best.confidence >= floor:
        return (best.entry_id,)
    return ()
