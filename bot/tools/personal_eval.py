"""`repere kb personal`: questions that hold personal data get the same entry as without it.

Each case of the `[[personal]]` section of `tests/data/guided_*.toml` has the question with
invented personal data (`text`), the same question without it (`plain`), the entry expected
(`entry`) and the personal strings exactly as written in `text` (`data`). Five figures:

- the question with the data gets its entry (answered with it);
- the question without the data gets its entry;
- both get the same outcome (the data did not move the match);
- nothing of `data` appears in the rendered reply, text or HTML (accents and case ignored);
- the personal-data warning is there.

The report of the held-out set gives counts only, never a question.
"""

from __future__ import annotations

import html
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import ANSWERED, Answer, Engine
from bot.engine.normalize import fold
from bot.engine.render import Renderer, Reply

# A sentence of the warning in prompts/_top.*.j2.
WARNING = "semble contenir des donnees personnelles"
FIGURES = ("text", "plain", "same", "not_echoed", "warned")
LABELS = {
    "text": "avec les données : la bonne fiche",
    "plain": "sans les données : la bonne fiche",
    "same": "même réponse avec et sans",
    "not_echoed": "aucune donnée répétée",
    "warned": "avertissement présent",
}


@dataclass(frozen=True)
class PersonalCase:
    text: str
    plain: str
    entry: str
    data: tuple[str, ...]


@dataclass(frozen=True)
class CaseResult:
    case: PersonalCase
    got_text: str | None
    got_plain: str | None
    passed: dict[str, bool]


def load_cases(path: Path) -> list[PersonalCase]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [
        PersonalCase(c["text"], c["plain"], c["entry"], tuple(c["data"]))
        for c in data.get("personal", [])
    ]


def _entry(answer: Answer) -> str | None:
    """The entry answered; a clarification or « je ne sais pas » has none."""
    return answer.entry_id if answer.status == ANSWERED else None


def echoed(data: Sequence[str], reply: Reply) -> bool:
    """Whether any personal string shows in the reply (accents, case and HTML escapes ignored)."""
    shown = fold(reply.text) + "\n" + fold(html.unescape(reply.html))
    return any(fold(d) in shown for d in data if d.strip())


def run_case(engine: Engine, renderer: Renderer, case: PersonalCase) -> CaseResult:
    with_data = engine.answer(case.text)
    reply = renderer.render(with_data)
    without = engine.answer(case.plain)
    got_text, got_plain = _entry(with_data), _entry(without)
    passed = {
        "text": got_text == case.entry,
        "plain": got_plain == case.entry,
        "same": (with_data.status, with_data.entry_id) == (without.status, without.entry_id),
        "not_echoed": not echoed(case.data, reply),
        "warned": bool(with_data.personal_data) and WARNING in fold(reply.text),
    }
    return CaseResult(case, got_text, got_plain, passed)


def evaluate(engine: Engine, renderer: Renderer, cases: Sequence[PersonalCase]) -> list[CaseResult]:
    return [run_case(engine, renderer, c) for c in cases]


def counts(results: Sequence[CaseResult]) -> dict[str, int]:
    return {f: sum(r.passed[f] for r in results) for f in FIGURES}


def report(results: Sequence[CaseResult], name: str, show: bool = False) -> str:
    n = len(results)
    lines = [f"Données personnelles, jeu « {name} » : {n} questions"]
    for figure, k in counts(results).items():
        share = f"{k / n:.0%}" if n else "-"
        lines.append(f"  {LABELS[figure]:38} {k:3} / {n}  ({share})")
    if show:
        for r in results:
            failed = [f for f in FIGURES if not r.passed[f]]
            if failed:
                lines.append(
                    f"- {r.case.text}\n    attendu {r.case.entry} ; avec : {r.got_text} ; "
                    f"sans : {r.got_plain} ; manqué : {', '.join(failed)}"
                )
    return "\n".join(lines)
