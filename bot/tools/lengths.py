"""`repere kb lengths`: how long answers look on a phone (shown characters, links aside).

Measured on the first message of every entry's answer and of the answers to a set's questions, as
the bot sends them (the personal-data warning, the rules' advice and the decision included). The
issue's goal: median <= 1,200, 90 % <= 1,800, every answer still cited. Held-out sets give their
figures only, never their questions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import ANSWERED, Engine
from bot.engine.knowledge import FIRST_MESSAGE_MAX_CHARS
from bot.engine.layout import LengthSummary, shown_chars, summarize
from bot.engine.render import Renderer, Reply
from bot.tools.evaluation import DATA_DIR

# The sets `--set all` reads, when present (the guided sets land on main later).
SETS = (
    "devset",
    "heldout",
    "guided_dev",
    "guided_dev2",
    "guided_dev5",
    "guided_dev7",
    "guided_heldout",
)


@dataclass(frozen=True)
class Measured:
    name: str
    summary: LengthSummary
    answered: LengthSummary
    cited: int  # answered replies that cite at least one source
    answered_count: int


def is_cited(reply: Reply) -> bool:
    return "\nSources : " in reply.text


def set_questions(path: Path) -> list[str]:
    """The questions of a set: `[[q]]` in the dev and held-out sets, one table per section
    (`[[missing]]`, `[[article]]`…) in the guided ones."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [
        str(item["text"])
        for section in data.values()
        if isinstance(section, list)
        for item in section
        if isinstance(item, dict) and "text" in item
    ]


def measure(name: str, pairs: Iterable[tuple[str, Reply]]) -> Measured:
    all_lengths: list[int] = []
    answered: list[int] = []
    cited = 0
    for status, reply in pairs:
        size = shown_chars(reply.text)
        all_lengths.append(size)
        if status == ANSWERED:
            answered.append(size)
            cited += is_cited(reply)
    return Measured(name, summarize(all_lengths), summarize(answered), cited, len(answered))


def entry_replies(engine: Engine, renderer: Renderer) -> list[tuple[str, Reply]]:
    return [
        (ANSWERED, renderer.render(engine.answer_entry(eid))) for eid in sorted(engine.kb.entries)
    ]


def question_replies(
    engine: Engine, renderer: Renderer, questions: Iterable[str]
) -> list[tuple[str, Reply]]:
    out = []
    for q in questions:
        answer = engine.answer(q)
        out.append((answer.status, renderer.render(answer)))
    return out


def report(m: Measured) -> str:
    lines = [
        m.summary.line(f"« {m.name} », toutes les réponses"),
        m.answered.line(f"« {m.name} », réponses avec une fiche"),
        f"« {m.name} » : {m.cited} sur {m.answered_count} réponses avec une fiche citent leurs sources",
    ]
    return "\n".join(lines)


def run(engine: Engine, renderer: Renderer, names: Iterable[str]) -> list[Measured]:
    results = [measure("fiches", entry_replies(engine, renderer))]
    for name in names:
        path = DATA_DIR / f"{name}.toml"
        if path.exists():
            results.append(measure(name, question_replies(engine, renderer, set_questions(path))))
    return results


def too_long_first_messages(engine: Engine, renderer: Renderer) -> list[str]:
    """`repere kb check`: every entry's first message, as sent, fits a phone screen."""
    problems = []
    for eid in sorted(engine.kb.entries):
        size = shown_chars(renderer.render(engine.answer_entry(eid)).text)
        if size > FIRST_MESSAGE_MAX_CHARS:
            problems.append(
                f"entries/{eid}.md : le premier message fait {size} caractères affichés "
                f"(au plus {FIRST_MESSAGE_MAX_CHARS}) : raccourcissez « key_points » ou "
                "« first_steps », ou la réponse directe"
            )
    return problems
