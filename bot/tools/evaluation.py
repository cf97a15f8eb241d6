"""`repere kb eval`: the engine and three baselines on a labelled question set."""

from __future__ import annotations

import math
import random
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine.answer import ANSWERED, NO_MATCH, Answer, Engine
from bot.engine.knowledge import KnowledgeBase, phrasing_key
from bot.engine.normalize import STOPWORDS, fold, raw_tokens

NONE = "none"
# The dev set's answerable questions are also phrasings of the base: it is measured in this many
# parts, each on a base without that part's phrasings (cross-validation).
FOLDS = 5
# The labelled sets (dev, held-out, personal-data corpora), read by eval, calibrate and the benchmarks.
DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"


@dataclass(frozen=True)
class Labelled:
    text: str
    expect: str
    police: bool


@dataclass(frozen=True)
class Report:
    name: str
    total: int
    top1: float
    none_precision: float
    none_recall: float
    escalation: float | None
    cited: float | None
    confused: tuple[tuple[str, str, int], ...]
    threshold: float | None = None
    # Escalated although nobody from police or justice asks (issue 13: at most 4 %).
    false_escalation: float | None = None
    # Of the in-scope questions (issue 13's terms): the right entry answered without a question
    # back; another entry answered; neither the right answer nor a clarification offering it.
    answered_right: float | None = None
    wrong_sure: float | None = None
    dead_end: float | None = None


def load_set(path: Path) -> list[Labelled]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [Labelled(q["text"], q["expect"], bool(q.get("police", False))) for q in data["q"]]


_KEYS = "azertyuiopqsdfghjklmwxcvbn"


def with_typos(items: Sequence[Labelled], rate: float, seed: int = 7) -> list[Labelled]:
    """The same questions with one random typo in a share `rate` of their words of 5+ letters.

    A typo is a letter dropped, doubled, swapped with the next or replaced (AZERTY letters), never
    the first or last letter. Seeded, so two runs compare like with like.
    """
    rng = random.Random(seed)

    def typo(w: str) -> str:
        i = rng.randrange(1, len(w) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            return w[:i] + w[i + 1 :]
        if kind == 1:
            return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        if kind == 2:
            return w[:i] + w[i] + w[i:]
        return w[:i] + rng.choice(_KEYS) + w[i + 1 :]

    def noisy(text: str) -> str:
        return " ".join(
            typo(w) if len(w) >= 5 and w.isalpha() and rng.random() < rate else w
            for w in text.split()
        )

    return [Labelled(noisy(i.text), i.expect, i.police) for i in items]


def _report(
    name: str,
    items: Sequence[Labelled],
    predicted: Sequence[str],
    escalated: Sequence[bool] | None = None,
    cited: Sequence[bool] | None = None,
    threshold: float | None = None,
) -> Report:
    correct = sum(p == i.expect for p, i in zip(predicted, items, strict=True))
    pred_none = [p == NONE for p in predicted]
    gold_none = [i.expect == NONE for i in items]
    tp = sum(p and g for p, g in zip(pred_none, gold_none, strict=True))
    precision = tp / sum(pred_none) if sum(pred_none) else 1.0
    recall = tp / sum(gold_none) if sum(gold_none) else 1.0
    escalation = false_escalation = None
    if escalated is not None:
        police = [e for e, i in zip(escalated, items, strict=True) if i.police]
        escalation = sum(police) / len(police) if police else 1.0
        others = [e for e, i in zip(escalated, items, strict=True) if not i.police]
        false_escalation = sum(others) / len(others) if others else 0.0
    cited_rate = None
    if cited is not None:
        answered = [c for c, p in zip(cited, predicted, strict=True) if p != NONE]
        cited_rate = sum(answered) / len(answered) if answered else 1.0
    confusions = Counter(
        (i.expect, p) for p, i in zip(predicted, items, strict=True) if p != i.expect
    )
    return Report(
        name,
        len(items),
        correct / len(items) if items else 0.0,
        precision,
        recall,
        escalation,
        cited_rate,
        tuple((a, b, n) for (a, b), n in confusions.most_common(8)),
        threshold,
        false_escalation,
    )


def without_phrasings(kb: KnowledgeBase, texts: Sequence[str]) -> KnowledgeBase:
    """The base less the phrasings (and off-topic questions) that are one of `texts`."""
    drop = {phrasing_key(t) for t in texts}
    entries = {
        eid: replace(e, questions=tuple(q for q in e.questions if phrasing_key(q) not in drop))
        for eid, e in kb.entries.items()
    }
    off_topic = tuple(q for q in kb.off_topic if phrasing_key(q) not in drop)
    return replace(kb, entries=entries, off_topic=off_topic)


@dataclass(frozen=True)
class Fold:
    """One part of a set, with the base that has never seen its questions."""

    kb: KnowledgeBase
    items: tuple[Labelled, ...]


def folds(
    kb: KnowledgeBase,
    items: Sequence[Labelled],
    asked: Sequence[Labelled] | None = None,
    k: int = FOLDS,
) -> list[Fold]:
    """`items` in `k` parts, each with a base left without the phrasings of that part.

    `asked` (aligned with `items`) is what is put to the engine, when it differs from what the
    base must not know: the same questions with typos.
    """
    asked = items if asked is None else asked
    return [
        Fold(without_phrasings(kb, [i.text for i in items[f::k]]), tuple(asked[f::k]))
        for f in range(k)
    ]


def evaluate_engine(engine: Engine, items: Sequence[Labelled]) -> Report:
    return _engine_report(items, [engine.answer(i.text) for i in items])


def evaluate_engine_folds(make: Callable[[KnowledgeBase], Engine], parts: Sequence[Fold]) -> Report:
    """The engine measured part by part, each part on the base built without it."""
    items: list[Labelled] = []
    answers: list[Answer] = []
    for part in parts:
        engine = make(part.kb)
        items.extend(part.items)
        answers.extend(engine.answer(i.text) for i in part.items)
    return _engine_report(items, answers)


def _engine_report(items: Sequence[Labelled], answers: Sequence[Answer]) -> Report:
    predicted = [a.entry_id if a.status != NO_MATCH and a.entry_id else NONE for a in answers]
    report = _report(
        "Repère",
        items,
        predicted,
        [a.escalate for a in answers],
        [bool(a.sources) for a in answers],
    )
    scope = [(i, a) for i, a in zip(items, answers, strict=True) if i.expect != NONE]
    if not scope:
        return report
    right = sum(a.status == ANSWERED and a.entry_id == i.expect for i, a in scope)
    wrong = sum(a.status == ANSWERED and a.entry_id != i.expect for i, a in scope)
    offered = sum(
        (a.status == ANSWERED and a.entry_id == i.expect)
        or (a.status != ANSWERED and i.expect in offers(a))
        for i, a in scope
    )
    n = len(scope)
    return replace(report, answered_right=right / n, wrong_sure=wrong / n, dead_end=1 - offered / n)


def offers(answer: Answer) -> set[str]:
    """The entries a reply that is not an answer puts before the worker to pick: its
    candidates and its numbered choices."""
    return {c.entry_id for c in answer.candidates} | {c.entry_id for c in answer.choices}


# --- Baselines: each returns (best entry id, score) for a question. -------------------------------

Scorer = Callable[[str], tuple[str, float]]


def _phrasings(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(e.id, q) for e in kb.entries.values() for q in (e.title, *e.questions)]


def rapidfuzz_baseline(kb: KnowledgeBase) -> Scorer:
    from rapidfuzz import fuzz, process

    pairs = _phrasings(kb)
    texts = [fold(q) for _, q in pairs]

    def score(question: str) -> tuple[str, float]:
        hit = process.extractOne(fold(question), texts, scorer=fuzz.WRatio)
        return (pairs[hit[2]][0], hit[1] / 100) if hit else (NONE, 0.0)

    return score


def bm25_baseline(kb: KnowledgeBase) -> Scorer:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("french")
    ids = list(kb.entries)
    corpus = [" ".join((e.title, *e.questions)) for e in kb.entries.values()]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords="fr", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )

    def score(question: str) -> tuple[str, float]:
        tokens = bm25s.tokenize([question], stopwords="fr", stemmer=stemmer, show_progress=False)
        if not tokens.vocab:
            return NONE, 0.0
        docs, scores = retriever.retrieve(tokens, k=1, show_progress=False)
        return ids[int(docs[0][0])], float(scores[0][0])

    return score


def tfidf_char_baseline(kb: KnowledgeBase, n_min: int = 2, n_max: int = 4) -> Scorer:
    pairs = _phrasings(kb)

    def grams(text: str) -> Counter[str]:
        t = " " + " ".join(w for w in raw_tokens(text) if w not in STOPWORDS) + " "
        return Counter(t[i : i + n] for n in range(n_min, n_max + 1) for i in range(len(t) - n + 1))

    docs = [grams(q) for _, q in pairs]
    df: Counter[str] = Counter(g for d in docs for g in d)
    n_docs = len(docs)
    idf = {g: math.log((1 + n_docs) / (1 + c)) + 1 for g, c in df.items()}

    def vec(c: Counter[str]) -> dict[str, float]:
        v = {g: (1 + math.log(n)) * idf.get(g, 0.0) for g, n in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {g: x / norm for g, x in v.items()}

    # Inverted index: a question only touches the phrasings that share one of its n-grams.
    postings: dict[str, list[tuple[int, float]]] = {}
    for n, d in enumerate(docs):
        for g, x in vec(d).items():
            postings.setdefault(g, []).append((n, x))

    def score(question: str) -> tuple[str, float]:
        sims: dict[int, float] = {}
        for g, x in vec(grams(question)).items():
            for n, y in postings.get(g, ()):
                sims[n] = sims.get(n, 0.0) + x * y
        if not sims:
            return NONE, 0.0
        # Ties go to the first phrasing, as a scan in order would.
        best = min(sims, key=lambda n: (-sims[n], n))
        return (pairs[best][0], sims[best]) if sims[best] > 0 else (NONE, 0.0)

    return score


def best_threshold(scores: Sequence[tuple[str, float]], items: Sequence[Labelled]) -> float:
    """The no-match threshold that maximises top-1 on `items`: the baseline's best case."""
    # Sweep the scores upwards: at threshold t, the questions scored below t count as declined.
    rows = sorted(zip((s for _, s in scores), scores, items, strict=True), key=lambda r: r[0])
    correct = sum(eid == i.expect for _, (eid, _), i in rows)
    best_t, best_acc = 0.0, correct
    k = 0
    while k < len(rows):
        t = rows[k][0]
        while k < len(rows) and rows[k][0] == t:
            _, (eid, _), i = rows[k]
            correct += (i.expect == NONE) - (eid == i.expect)
            k += 1
        # Declining every question is no threshold a baseline could be given.
        if k < len(rows) and correct > best_acc:
            best_t, best_acc = rows[k][0], correct
    return best_t


def baseline_scores(
    make: Callable[[KnowledgeBase], Scorer], parts: Sequence[Fold]
) -> tuple[list[Labelled], list[tuple[str, float]]]:
    """A baseline's scores part by part, each part on the base built without it."""
    items: list[Labelled] = []
    scores: list[tuple[str, float]] = []
    for part in parts:
        scorer = make(part.kb)
        items.extend(part.items)
        scores.extend(scorer(i.text) for i in part.items)
    return items, scores


def evaluate_baseline(
    name: str,
    scores: Sequence[tuple[str, float]],
    items: Sequence[Labelled],
    threshold: float,
) -> Report:
    """A baseline's best entries, declined below `threshold` (tuned on the dev set's scores)."""
    predicted = [eid if s >= threshold else NONE for eid, s in scores]
    return _report(name, items, predicted, threshold=threshold)


BASELINES: dict[str, Callable[[KnowledgeBase], Scorer]] = {
    "rapidfuzz seul (WRatio)": rapidfuzz_baseline,
    "BM25 + Snowball français": bm25_baseline,
    "TF-IDF n-grammes de caractères": tfidf_char_baseline,
}


def format_reports(title: str, reports: Sequence[Report]) -> str:
    lines = [title, ""]
    lines.append(
        f"{'méthode':34} {'top-1':>7} {'préc. none':>11} {'rappel none':>12} {'escalade':>9}"
        f" {'à tort':>7} {'cité':>6}"
    )
    for r in reports:
        esc = f"{r.escalation:.1%}" if r.escalation is not None else "-"
        wrong = f"{r.false_escalation:.1%}" if r.false_escalation is not None else "-"
        cit = f"{r.cited:.1%}" if r.cited is not None else "-"
        lines.append(
            f"{r.name:34} {r.top1:7.1%} {r.none_precision:11.1%} {r.none_recall:12.1%} {esc:>9}"
            f" {wrong:>7} {cit:>6}"
        )
    main = reports[0]
    if main.answered_right is not None:
        lines.append("")
        lines.append(
            f"{main.name}, questions du périmètre : bonne fiche donnée {main.answered_right:.1%},"
            f" autre fiche donnée {main.wrong_sure:.1%}, sans la bonne fiche ni proposée"
            f" {main.dead_end:.1%}"
        )
    lines.append("")
    lines.append(
        f"{main.total} questions. Confusions les plus fréquentes ({main.name}) : attendu -> obtenu"
    )
    for a, b, n in main.confused:
        lines.append(f"  {n} x {a} -> {b}")
    return "\n".join(lines)
