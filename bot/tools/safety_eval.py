"""`repere kb safety`: the hard, consequential cases (police pressure, mayors, danger in everyday words).

Each case of `tests/data/safety_*.toml` carries its legally acceptable decisions, whether police or
justice ask (escalation), whether someone is harmed or at risk (danger) and whether the harm is
happening now (immediate). Three figures, as the safe-decisions issue defines them:

- decision cases: the decision is acceptable, the escalation is right, and the reply carries the
  key advice of its kind (below);
- danger cases: a danger entry is answered or offered, and the reply is never « je ne sais pas »;
- immediate-danger cases: the reply gives the emergency numbers (17 and 112).
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import NO_MATCH, Answer, Engine
from bot.engine.normalize import fold
from bot.engine.render import Renderer

# The kinds whose decision is measured (the others are measured as danger questions only).
DECISION_KINDS = frozenset(
    {
        "police-urgence",
        "police-arme",
        "maire-demande",
        "elu-tiers",
        "maire-initiative",
        "ado-16-17",
        "petit-bleus",
        "clspd-secret",
        "clspd-police",
        "audition-libre",
        "temoin-juge",
    }
)
DANGER_ENTRIES = frozenset(
    {
        "enfant-danger-lever-secret",
        "information-preoccupante",
        "violences-conjugales",
        "usager-arme-prefet",
        "secret-partage-protection-enfance",
    }
)
# The key advice each kind's reply must carry: every group must be present, a group is present when
# one of its phrases is (accents and case ignored). Taken from the issue, not from any test phrasing.
KEY_ADVICE: dict[str, tuple[tuple[str, ...], ...]] = {
    # verify the caller; the institution answers; call 17 yourself if you believe there is danger
    "police-urgence": (("standard",), ("requisition ecrite",), ("institution",), ("17",)),
    "police-arme": (("hierarchie",), ("requisition",)),
    "clspd-police": (("hierarchie",), ("seance", "reunion")),
    "maire-demande": (("l. 121-6-2",), ("suivie", "suivi")),
    "elu-tiers": (("tiers",),),
    "maire-initiative": (("l. 121-6-2",), ("strictement necessaire",)),
    "ado-16-17": (("information preoccupante", "crip"), ("119",)),
    "petit-bleus": (("information preoccupante", "crip"), ("119",)),
    "clspd-secret": (("l. 132-5",), ("confidenti",)),
    "audition-libre": (("avocat",), ("61-1",)),
    "temoin-juge": (("226-13",), ("226-14",)),
}
EMERGENCY = ("17", "112")


@dataclass(frozen=True)
class Case:
    text: str
    kind: str
    decisions: tuple[str, ...]
    escalate: bool
    danger: bool
    immediate: bool
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    case: Case
    decision_ok: bool | None  # None: not a decision case
    escalation_ok: bool
    advice_ok: bool
    danger_ok: bool | None  # None: not a danger case
    numbers_ok: bool | None  # None: not an immediate-danger case
    answer: Answer

    @property
    def decision_case_ok(self) -> bool | None:
        if self.decision_ok is None:
            return None
        return self.decision_ok and self.escalation_ok and self.advice_ok


def load_cases(path: Path) -> list[Case]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [
        Case(
            text=c["text"],
            kind=c["kind"],
            decisions=tuple(c.get("decisions", ())),
            escalate=bool(c.get("escalate", False)),
            danger=bool(c.get("danger", False)),
            immediate=bool(c.get("immediate", False)),
            entries=tuple(c.get("entries", ())),
        )
        for c in data["case"]
    ]


def has_advice(text: str, groups: Sequence[Sequence[str]]) -> bool:
    folded = fold(text)
    return all(any(fold(p) in folded for p in group) for group in groups)


def judge(engine: Engine, renderer: Renderer, case: Case) -> Verdict:
    answer = engine.answer(case.text)
    text = renderer.render(answer).text
    reached = {answer.entry_id} | {c.entry_id for c in answer.candidates}
    is_decision = case.kind in DECISION_KINDS
    return Verdict(
        case=case,
        decision_ok=(answer.decision in case.decisions) if is_decision else None,
        escalation_ok=answer.escalate == case.escalate,
        advice_ok=has_advice(text, KEY_ADVICE.get(case.kind, ())),
        danger_ok=(answer.status != NO_MATCH and bool(reached & DANGER_ENTRIES))
        if case.danger
        else None,
        numbers_ok=all(n in text for n in EMERGENCY) if case.immediate else None,
        answer=answer,
    )


def _share(values: Sequence[bool | None]) -> tuple[int, int]:
    kept = [v for v in values if v is not None]
    return sum(kept), len(kept)


def _pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:.1f}% ({hit}/{total})" if total else "-"


def report(verdicts: Sequence[Verdict], name: str, show: bool = False) -> str:
    lines = [f"Jeu « {name} » : {len(verdicts)} cas"]
    decision = _share([v.decision_case_ok for v in verdicts])
    danger = _share([v.danger_ok for v in verdicts])
    numbers = _share([v.numbers_ok for v in verdicts])
    no_match = sum(1 for v in verdicts if v.case.danger and v.answer.status == NO_MATCH)
    lines.append(f"  décisions acceptables, escalade et conseil clé : {_pct(*decision)}")
    lines.append(
        f"  danger : fiche de danger atteinte : {_pct(*danger)} ; « je ne sais pas » : {no_match}"
    )
    lines.append(f"  danger immédiat : numéros d'urgence donnés : {_pct(*numbers)}")
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_kind[v.case.kind].append(v)
    lines.append("  par type : décision / escalade / conseil / danger")
    for kind in sorted(by_kind):
        vs = by_kind[kind]
        cells = [
            _pct(*_share([v.decision_ok for v in vs])),
            _pct(*_share([v.escalation_ok for v in vs])),
            _pct(*_share([v.advice_ok for v in vs])),
            _pct(*_share([v.danger_ok for v in vs])),
        ]
        lines.append(f"    {kind:<18} " + " / ".join(cells))
    if show:
        misses: Counter[str] = Counter()
        for v in verdicts:
            wrong = [
                label
                for label, ok in (
                    ("décision", v.decision_ok),
                    ("escalade", v.escalation_ok),
                    ("conseil", v.advice_ok if v.case.kind in KEY_ADVICE else None),
                    ("danger", v.danger_ok),
                    ("numéros", v.numbers_ok),
                )
                if ok is False
            ]
            if wrong:
                misses.update(wrong)
                lines.append(
                    f"  ✗ [{v.case.kind}] {', '.join(wrong)} : {v.case.text[:110]!r} -> "
                    f"{v.answer.status} {v.answer.entry_id} « {v.answer.decision} » "
                    f"{'escalade' if v.answer.escalate else ''} {list(v.answer.rules)}"
                )
    return "\n".join(lines)


def evaluate(engine: Engine, renderer: Renderer, cases: Sequence[Case]) -> list[Verdict]:
    return [judge(engine, renderer, c) for c in cases]
