"""The knowledge base: FAQ entries, sources, thesaurus and rules, loaded and validated from `knowledge/`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.normalize import SynonymGroup, fold

SOURCE_KINDS = ("code", "loi", "avis", "communiqué", "délibération", "présentation")
DECISIONS = (
    "refuser",
    "passer par la hiérarchie",
    "partager sous conditions",
    "signaler",
    "agir immédiatement",
)
MIN_QUESTIONS = 4
MIN_PHRASING_CHARS = 3
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The subset of HTML that Matrix clients render; entry bodies must stay inside it.
ALLOWED_TAGS = frozenset({"p", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "br"})
# The first message must fit a phone screen (docs/knowledge-format.md): each entry gives at most
# three short key points and a few short steps; the whole body stays for `!plus`.
MAX_KEY_POINTS = 3
MAX_FIRST_STEPS = 3
KEY_POINT_MAX_CHARS = 165
FIRST_STEP_MAX_CHARS = 140
# The direct answer, the key points and the steps together, as shown (links aside).
BRIEF_MAX_CHARS = 900
# The whole first message of an entry's answer as sent (title, sources, date, disclaimer included),
# before what a question adds (rules' advice, personal-data warning): `repere kb check` enforces it.
FIRST_MESSAGE_MAX_CHARS = 1400
# A source's `short` label, on the first message's one source line.
SOURCE_SHORT_MAX_CHARS = 40


def phrasing_key(text: str) -> str:
    """Two phrasings with the same key are the same question (case, accents, spacing aside)."""
    return " ".join(fold(text).split())


def packaged_knowledge_dir() -> Path:
    """The `knowledge/` folder shipped beside the `bot` package."""
    return Path(__file__).resolve().parents[2] / "knowledge"


@dataclass(frozen=True)
class Source:
    id: str
    label: str
    kind: str
    reference: str
    validity: str
    url: str | None = None
    seed: str | None = None
    date: dt.date | None = None
    # What an article says, in plain words: required for every code article (`!article`).
    summary: str = ""
    # The short form on the first message's source line (documents with long labels).
    short: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    questions: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    escalate: bool
    related: tuple[str, ...]
    updated: dt.date
    body: str
    decision: str | None = None
    path: str = ""
    # The first message's short forms (Markdown, one line each); the body holds the full text.
    key_points: tuple[str, ...] = ()
    first_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleCase:
    question: str
    fires: bool
    kind: str  # "fires", "does_not_fire", "boundary", or "decides" (fires and gives the decision)


@dataclass(frozen=True)
class Rule:
    """A decision rule: every `when` group must hold (a group holds if any of its facts does)."""

    id: str
    priority: int
    when: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...]
    overrides: tuple[str, ...]
    decision: str | None
    escalate: bool
    sources: tuple[str, ...]
    why: str
    cases: tuple[RuleCase, ...]
    advice: str = ""
    entries: tuple[str, ...] = ()  # the entries this rule is about: they rank higher when it fires
    # A danger rule: when it fires, the reply is its first entry even if no entry matched well,
    # never « je ne sais pas ».
    always_answer: bool = False
    # A rule whose case is the entry's own (an audition libre, a mayor's request): when it gives
    # the decision, its first entry answers if it is among the best ranked, before a neighbour
    # the words lean to (« témoin » in a summons for an audition libre).
    prefer_entry: bool = False


@dataclass(frozen=True)
class AskChoice:
    """One answer to a clarifying question: what the user reads, the facts it adds, where it leads."""

    label: str
    facts: tuple[str, ...]
    entry: str


@dataclass(frozen=True)
class AskCase:
    question: str
    asks: bool  # "must_ask" or "must_not_ask"


@dataclass(frozen=True)
class Ask:
    """A deciding fact (clarify.toml): when a question lacks it, Repère asks for it.

    It applies when each `when` group holds (a group holds if any of its facts does) and none of
    `answered_by` does: a fact already in the question is never asked. When an `unnamed` fact says
    the one who asks is not named (« on me demande »), the `weak` facts of `answered_by` are only
    mentions (« un jeune suivi à la mission locale »), not who asks.
    """

    id: str
    priority: int
    question: str
    when: tuple[tuple[str, ...], ...]
    answered_by: tuple[str, ...]
    choices: tuple[AskChoice, ...]
    other: AskChoice  # « autre »: never a dead end, it leads somewhere too
    cases: tuple[AskCase, ...] = ()
    unnamed: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    @property
    def entries(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(c.entry for c in self.choices), self.other.entry]))


SMALLTALK_KINDS = ("greeting", "thanks", "goodbye", "about")


@dataclass(frozen=True)
class SmallTalk:
    """Greetings, thanks, goodbyes and questions about the bot (smalltalk.toml): kind -> phrases."""

    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    replies: Mapping[str, str] = field(default_factory=dict)
    filler: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    title: str
    checked: dt.date
    entries: Mapping[str, Entry]
    sources: Mapping[str, Source]
    synonyms: tuple[SynonymGroup, ...]
    facts: Mapping[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    directory: str
    # Phrases inside which a fact's word-for-word patterns do not count (rules.toml [exceptions]).
    exceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Questions the FAQ does not answer (hors-sujet.toml): a question close to one of them is
    # more likely off-topic too.
    off_topic: tuple[str, ...] = ()
    # The emergency numbers (base.toml « urgence »), added to any answer that touches a danger.
    emergency: str = ""
    # Entries besides the danger rules' whose reply carries that line (base.toml « fiches_avec_numeros »).
    emergency_entries: tuple[str, ...] = ()
    smalltalk: SmallTalk = field(default_factory=SmallTalk)
    # The deciding facts Repère asks for (clarify.toml), highest priority first.
    asks: tuple[Ask, ...] = ()


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The base is invalid; `problems` says where and why, in French."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
