"""`repere kb guided`: does Repère ask for the one missing fact, and answer once it is given?

`tests/data/guided_*.toml`, sections:
- [[missing]]: a question without its deciding fact (`fact`: demandeur, cadre, convocation), the
  entries the right choices must lead to (`entries`), and replies in words (`replies`: text and
  the entry it must lead to);
- [[complete]]: a question that gives the fact, with its `entry` (and `also`, other acceptable ones).

Figures: the share of [[missing]] asked with choices leading to at least two of its entries (or
all, when it lists one); wrong confident answers (answered, with an entry not listed); dead ends
(« je ne sais pas » with nothing offered to pick); each reply in words read as the conversation
policy reads it, then the original question resolved with it; the share of [[complete]] answered
with the expected entry without asking.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.conversation.choose import choice_in_words
from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, Answer, Engine

TARGET_ASKED = 0.75
TARGET_WRONG = 0.05
TARGET_DEAD_END = 0.05


@dataclass(frozen=True)
class Reply:
    text: str
    entry: str


@dataclass(frozen=True)
class Missing:
    text: str
    fact: str
    entries: tuple[str, ...]
    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class Complete:
    text: str
    entries: tuple[str, ...]  # the expected entry first, then the other acceptable ones


@dataclass(frozen=True)
class MissingVerdict:
    case: Missing
    answer: Answer
    replies_ok: tuple[bool, ...]

    @property
    def asked(self) -> bool:
        offered = {c.entry_id for c in self.answer.choices}
        need = min(2, len(set(self.case.entries)))
        return self.answer.status == CLARIFY and len(offered & set(self.case.entries)) >= need

    @property
    def wrong(self) -> bool:
        return self.answer.status == ANSWERED and self.answer.entry_id not in self.case.entries

    @property
    def dead_end(self) -> bool:
        return self.answer.status == NO_MATCH and not self.answer.choices


def load_guided(path: Path) -> tuple[list[Missing], list[Complete]]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    missing = [
        Missing(
            m["text"],
            m["fact"],
            tuple(m["entries"]),
            tuple(Reply(r["text"], r["entry"]) for r in m.get("replies", [])),
        )
        for m in data.get("missing", [])
    ]
    complete = [
        Complete(c["text"], (c["entry"], *c.get("also", []))) for c in data.get("complete", [])
    ]
    return missing, complete


def evaluate_missing(engine: Engine, cases: Sequence[Missing]) -> list[MissingVerdict]:
    verdicts = []
    for case in cases:
        analysis = engine.analyse(case.text)
        answer = engine.respond(analysis)
        oks = []
        for reply in case.replies:
            ok = False
            if answer.status == CLARIFY and answer.choices:
                number = choice_in_words(reply.text, answer.choices, engine)
                if number is not None:
                    picked = answer.choices[number - 1]
                    resolved = engine.resolve(analysis, picked.facts, picked.entry_id)
                    ok = resolved.entry_id == reply.entry
            oks.append(ok)
        verdicts.append(MissingVerdict(case, answer, tuple(oks)))
    return verdicts


def evaluate_complete(engine: Engine, cases: Sequence[Complete]) -> list[tuple[Complete, Answer]]:
    return [(c, engine.answer(c.text)) for c in cases]


def complete_ok(case: Complete, answer: Answer) -> bool:
    return answer.status == ANSWERED and answer.entry_id in case.entries


def _pct(n: int, d: int) -> str:
    return f"{n / d:.1%} ({n}/{d})" if d else "-"


def report(
    missing: Sequence[MissingVerdict],
    complete: Sequence[tuple[Complete, Answer]],
    name: str,
    show: bool = False,
) -> str:
    n = len(missing)
    replies = [ok for v in missing for ok in v.replies_ok]
    lines = [
        f"Jeu « {name} » : {n} questions sans le fait décisif, {len(complete)} questions complètes",
        f"  fait demandé, choix menant aux bonnes fiches : {_pct(sum(v.asked for v in missing), n)}"
        f"  (objectif ≥ {TARGET_ASKED:.0%})",
        f"  réponse sûre mais fausse : {_pct(sum(v.wrong for v in missing), n)}"
        f"  (objectif ≤ {TARGET_WRONG:.0%})",
        f"  impasse (« je ne sais pas » sans rien à choisir) : "
        f"{_pct(sum(v.dead_end for v in missing), n)}  (objectif ≤ {TARGET_DEAD_END:.0%})",
        f"  réponses en mots menant à la bonne fiche : {_pct(sum(replies), len(replies))}",
        f"  questions complètes répondues avec la bonne fiche, sans question en retour : "
        f"{_pct(sum(complete_ok(c, a) for c, a in complete), len(complete))}",
    ]
    by_fact: dict[str, list[MissingVerdict]] = defaultdict(list)
    for v in missing:
        by_fact[v.case.fact].append(v)
    lines.append("  par fait : demandé / réponses en mots")
    for fact, vs in sorted(by_fact.items()):
        rs = [ok for v in vs for ok in v.replies_ok]
        lines.append(
            f"    {fact:<12} {_pct(sum(v.asked for v in vs), len(vs))} / {_pct(sum(rs), len(rs))}"
        )
    if show:
        for v in missing:
            a = v.answer
            if not v.asked or not all(v.replies_ok):
                offered = ",".join(c.entry_id for c in a.choices)
                lines.append(
                    f"  MANQUÉ [{v.case.fact}] {a.status} {a.entry_id} choix=[{offered}] "
                    f"réponses={''.join('o' if ok else 'x' for ok in v.replies_ok)} : {v.case.text}"
                )
        for c, a in complete:
            if not complete_ok(c, a):
                lines.append(
                    f"  COMPLÈTE MANQUÉE {a.status} {a.entry_id} (attendu {c.entries[0]}) : {c.text}"
                )
    return "\n".join(lines)
