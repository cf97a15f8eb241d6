"""The supervised peer of `repere kb eval --baselines`, and the comparison at one operating point.

The peer is what Rasa-style FAQ bots do: a logistic regression over word and character n-grams,
trained on the base's phrasings (each entry an intent) and on its off-topic bank (an out-of-scope
intent). scikit-learn is a test-only dependency: the engine never imports this module.

Raw top-1 favours a method that answers everything; comparing every method at the share of
off-topic questions Repère declines says which ranks better at the same caution.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.knowledge import KnowledgeBase
from bot.engine.normalize import fold
from bot.tools.evaluation import NONE, Labelled, Report, Scorer, _report

# Regularisation, fixed beforehand (scikit-learn's usual range for text), never tuned on a set.
C = 10.0


def logreg_baseline(kb: KnowledgeBase) -> Scorer:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [fold(q) for e in kb.entries.values() for q in (e.title, *e.questions)]
    labels = [e.id for e in kb.entries.values() for _ in (e.title, *e.questions)]
    texts += [fold(q) for q in kb.off_topic]
    labels += [NONE] * len(kb.off_topic)
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(x, labels)
    classes = list(model.classes_)

    def score(question: str) -> tuple[str, float]:
        q = [fold(question)]
        v = hstack([words.transform(q), chars.transform(q)]).tocsr()
        probs = model.predict_proba(v)[0]
        best = int(probs.argmax())
        return str(classes[best]), float(probs[best])

    return score


def declined_share(items: Sequence[Labelled], predicted: Sequence[str]) -> float:
    """The share of off-topic questions declined (the « rappel none » column)."""
    off = [p == NONE for p, i in zip(predicted, items, strict=True) if i.expect == NONE]
    return sum(off) / len(off) if off else 1.0


def at_decline_rate(
    name: str, scores: Sequence[tuple[str, float]], items: Sequence[Labelled], target: float
) -> Report:
    """The method's report at the lowest threshold that declines at least `target` of the
    off-topic questions (the operating point of the method compared with)."""
    for threshold in sorted({s for _, s in scores} | {0.0}):
        predicted = [eid if s >= threshold else NONE for eid, s in scores]
        if declined_share(items, predicted) >= target:
            return _report(name, items, predicted, threshold=threshold)
    predicted = [NONE for _ in scores]
    return _report(name, items, predicted, threshold=float("inf"))


def format_operating_point(main: Report, others: Sequence[Report]) -> str:
    lines = [
        f"À rejet égal (hors sujet déclinés ≥ {main.none_recall:.1%}, comme {main.name}) : top-1",
        f"  {main.name:34} {main.top1:7.1%}",
    ]
    for r in others:
        lines.append(
            f"  {r.name:34} {r.top1:7.1%}  (écart {100 * (main.top1 - r.top1):+.1f} points, "
            f"hors sujet déclinés {r.none_recall:.1%})"
        )
    return "\n".join(lines)
