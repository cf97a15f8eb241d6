"""`repere kb calibrate`: fit the confidence model on the dev set (logistic regression, Newton steps)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.answer import Engine, is_practical
from bot.engine.matcher import Calibration
from bot.tools.evaluation import Labelled

FEATURES = (
    "score",
    "margin",
    "matched",
    "unknown",
    "practical",
    "coverage",
    "length",
    "off_topic",
    "model",
    "model_off",
)


@dataclass(frozen=True)
class Sample:
    x: tuple[float, ...]
    y: int


def samples(engine: Engine, items: Sequence[Labelled]) -> list[Sample]:
    """One sample per question that shares a word with some entry: is the top entry right?"""
    out = []
    for item in items:
        tokens, literal = engine.normalizer.analyse(item.text)
        outcome = engine.rules.evaluate(tokens, literal)
        ranked = engine.rank(tokens, outcome, limit=2, text=item.text)
        if not ranked:
            continue
        top = ranked[0]
        practical = float(is_practical(outcome))
        length = math.log(1 + len(set(tokens)))
        x = (
            top.score,
            top.margin,
            top.matched,
            top.unknown,
            practical,
            top.coverage,
            length,
            top.off_topic,
            top.model,
            top.model_off,
        )
        out.append(Sample(x, int(top.entry_id == item.expect)))
    return out


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row[:], b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def fit(data: Sequence[Sample], l2: float = 0.1, steps: int = 30) -> Calibration:
    """L2-regularised logistic regression; the bias is not penalised."""
    k = len(FEATURES) + 1
    w = [0.0] * k
    for _ in range(steps):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for s in data:
            x = (1.0, *s.x)
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))
            for i in range(k):
                grad[i] += (p - s.y) * x[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, k):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(si) for si in step) < 1e-8:
            break
    return Calibration(*[round(v, 4) for v in w])


def cross_validated_accuracy(data: Sequence[Sample], folds: int = 5) -> float:
    """Accuracy of the accept/reject decision at 0.5 on held-back folds."""
    correct = 0
    for f in range(folds):
        train = [s for i, s in enumerate(data) if i % folds != f]
        test = [s for i, s in enumerate(data) if i % folds == f]
        cal = fit(train)
        correct += sum((cal.confidence(*s.x) >= 0.5) == bool(s.y) for s in test)
    return correct / len(data) if data else 0.0


def reliability(
    cal: Calibration, data: Sequence[Sample], bins: int = 5
) -> list[tuple[float, float, int]]:
    """(mean confidence, observed accuracy, count) per confidence bin."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        group = [
            s
            for s in data
            if lo <= cal.confidence(*s.x) < hi or (b == bins - 1 and cal.confidence(*s.x) == 1)
        ]
        if group:
            out.append(
                (
                    sum(cal.confidence(*s.x) for s in group) / len(group),
                    sum(s.y for s in group) / len(group),
                    len(group),
                )
            )
    return out


def format_calibration(cal: Calibration, data: Sequence[Sample]) -> str:
    lines = ["[engine.calibration]"]
    lines += [f"{name} = {getattr(cal, name)}" for name in ("bias", *FEATURES)]
    lines.append("")
    lines.append(
        f"# {len(data)} questions ; exactitude en validation croisée (5 plis) : "
        f"{cross_validated_accuracy(data):.1%}"
    )
    lines.append("# fiabilité : confiance moyenne -> exactitude observée (effectif)")
    for conf, acc, n in reliability(cal, data):
        lines.append(f"#   {conf:.2f} -> {acc:.2f} ({n})")
    return "\n".join(lines)
