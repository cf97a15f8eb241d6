"""Answers that are not an entry: an article's card, asked by its number, and small talk (pure)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from bot.engine.analysis import (
    ANSWERED,
    ARTICLE,
    CLARIFY,
    NO_MATCH,
    SMALLTALK,
    Analysis,
    Answer,
    Candidate,
    Choice,
)
from bot.engine.articles import ArticleCard, ArticleIndex
from bot.engine.danger_check import PROCEDURE, QUESTION_MARK, TOLD, WHAT_TO_DO
from bot.engine.knowledge import KnowledgeBase
from bot.engine.priors import GATE_FACTS
from bot.engine.safety_net import signals_danger
from bot.engine.smalltalk import SmallTalkMatcher

# Facts that say nothing of a situation on their own: the gate facts (any verb of asking, answering
# or writing, which count only beside police or justice) and « police.usage » (« s'en servir »),
# which counts only beside police at the CLSPD: « comment on s'en sert de Repère ? » is a question
# to the bot. Nor do a « ? » and the words of asking how (danger_check.py), which only tell a
# question from a report.
UNSAID = GATE_FACTS | {"police.usage", QUESTION_MARK, TOLD, WHAT_TO_DO, PROCEDURE}
# Small talk says nothing about a situation: a pending choice keeps nothing of it.
NOTHING = Analysis(frozenset(), (), ())
# The question above an article card's entries, when they are picked by number.
PICK_ENTRY = "Quelle fiche voulez-vous lire ?"


def smalltalk_answer(kind: str) -> Answer:
    return Answer(SMALLTALK, None, 0.0, False, None, (), (), (), (), (), smalltalk=kind)


def unless_smalltalk(
    talk: SmallTalkMatcher,
    question: str,
    analysis: Analysis,
    answer: Answer,
    decision: str | None,
) -> tuple[Analysis, Answer]:
    """« ok merci je transmets à ma cheffe »: small talk with a few words around it, when
    nothing else is understood (no entry, no rule deciding, no police guess, no personal data), gets the short
    reply instead of « je ne sais pas ».

    A danger entry the safety net gave a message that names no danger is nothing understood
    either, for a thank-you, a greeting or a goodbye (« parfait je vais pouvoir rassurer ma
    collègue merci »); a question to the bot keeps it (« tu peux m'aider pour un signalement ? »)."""
    idle = answer.status == NO_MATCH
    netted = answer.caught and not signals_danger(analysis.facts)
    if not (idle or netted) or decision or answer.escalate or analysis.personal_data:
        return analysis, answer
    kind = talk.lead(question)
    if not idle and kind == "about":
        kind = None  # the net's danger entry stays for a question to the bot
    # Nothing understood and the message speaks to the bot: what Repère is and does is the
    # useful reply (« tu réponds aussi le week-end ? »), not the topics its words drift to.
    elif kind is None and idle and analysis.facts <= UNSAID and talk.addressed(question):
        kind = "about"
    return (analysis, answer) if kind is None else (NOTHING, smalltalk_answer(kind))


def card_answer(answer: Answer, card: ArticleCard, decision: str | None, limit: int) -> Answer:
    """An article asked by its number: its card, and the entries that rest on it to pick from
    (numbered like a clarification's choices)."""
    entries = card.entries()[:limit]
    return replace(
        answer,
        status=ARTICLE,
        entry_id=None,
        decision=decision,
        sources=tuple(a.source for a in card.articles),
        candidates=tuple(Candidate(eid, title, 0.0) for eid, title in entries),
        question=PICK_ENTRY if entries else "",
        choices=tuple(Choice(title, eid) for eid, title in entries),
        trace=(*answer.trace, f"Article demandé par son numéro : {card.asked}"),
        article=card,
    )


def with_card(
    kb: KnowledgeBase,
    articles: ArticleIndex,
    question: str,
    answer: Answer,
    decision: str | None,
    limit: int,
    danger: Collection[str] = frozenset(),
) -> Answer:
    """The answer, or the card of the article the question asks about by its number: a question
    that is a situation its entry (citing the article) or a deciding rule answers keeps it."""
    entry = kb.entries.get(answer.entry_id or "") if answer.status == ANSWERED else None
    # A rule that decides keeps an answered entry; a choice between entries (« témoin ou audition
    # libre ? ») gives way to the card of the article named, which lists the same entries to pick,
    # unless a danger entry is among them: a pasted requisition « article 60-1 » asking whether a
    # man who threatened his ex-partner holds a weapon keeps the danger entry it offers.
    offers_danger = any(c.entry_id in danger for c in answer.candidates)
    kept = answer.status == ANSWERED or (answer.status == CLARIFY and offers_danger)
    card = articles.card_for(question, entry, decision is not None and kept)
    return answer if card is None else card_answer(answer, card, decision, limit)
