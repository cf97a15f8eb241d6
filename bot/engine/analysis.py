"""The engine's plain values: what a question says (`Analysis`) and what Repère answers (`Answer`).

An `Analysis` holds facts, entry ids with their scores and the kinds of personal data seen: never
the question's text or its words. A pending clarification keeps one, so the original question can
be answered once the missing fact is known, without keeping what the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.articles import ArticleCard
from bot.engine.knowledge import Source
from bot.engine.matcher import Scored

ANSWERED = "answered"
CLARIFY = "clarify"
NO_MATCH = "no_match"
ARTICLE = "article"  # the card of an article asked by its number (bot/engine/articles.py)
SMALLTALK = "smalltalk"  # a greeting, a thank-you, a goodbye (bot/engine/smalltalk.py)


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    title: str
    confidence: float


@dataclass(frozen=True)
class Choice:
    """A numbered choice offered to the user: what it says, where it leads, the facts it adds."""

    label: str
    entry_id: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    facts: frozenset[str]
    ranked: tuple[Scored, ...]
    personal_data: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    status: str
    entry_id: str | None
    confidence: float
    escalate: bool
    decision: str | None
    rules: tuple[str, ...]
    sources: tuple[Source, ...]
    personal_data: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    trace: tuple[str, ...]
    advice: tuple[str, ...] = ()
    # A clarification (or the topics offered after « je ne sais pas »): the French question
    # asked and its numbered choices.
    question: str = ""
    choices: tuple[Choice, ...] = ()
    article: ArticleCard | None = None
    smalltalk: str | None = None  # its kind: greeting, thanks, goodbye, about
    # A danger entry given by the safety net instead of « je ne sais pas » (answer.py).
    caught: bool = False
