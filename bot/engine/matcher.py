"""Scores a normalised question against every FAQ entry's phrasings."""

from __future__ import annotations

import copy
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.overlap import OverlapIndex
from bot.engine.supervised import PhrasingModel


@dataclass(frozen=True)
class MatchWeights:
    """How the signals add up to a ranking score; defaults measured on the dev set (docs/matching.md)."""

    dice: float = 0.3
    coverage: float = 0.0
    fuzzy: float = 0.3
    bm25: float = 0.2
    # What the decision rules' facts say about the question (engine.py: `Engine.prior`): a rule
    # that fires vouches for its entries, and the facts seen resemble some entries' phrasings more.
    prior: float = 0.06
    body: float = 0.1
    # P(entry | question) of the supervised model learned from the phrasings (supervised.py):
    # 0.1, 0.2, 0.3, 0.45, 0.6, 1 and 2 tried on the dev set, cross-validated (docs/matching.md).
    model: float = 0.3
    # Only the best `shortlist` entries by word overlap get the (slower) fuzzy comparison. The
    # right entry is always among the first ten: 10, 15, 20 and 40 give the same dev figures.
    shortlist: int = 12


@dataclass(frozen=True)
class Calibration:
    """Logistic model from ranking features to P(the entry is the right answer).

    `practical` is 1 when the question asks for practical information (opening hours, a phone
    number, a form): the fact `question.pratique` in rules.toml. `coverage` is the share of the
    question's weight found in the entry, `length` the log of its number of distinct words.

    Fitted on the dev set by `repere kb calibrate`, which prints these values.
    """

    bias: float = -3.1761
    score: float = -0.0567
    margin: float = 9.068
    matched: float = 0.44
    unknown: float = 1.7454
    practical: float = -1.6067
    coverage: float = 1.5768
    length: float = 0.7289
    off_topic: float = -1.4649
    # The supervised model's P(top entry) and P(off-topic) (supervised.py).
    model: float = 2.0905
    model_off: float = -4.567

    def confidence(
        self,
        score: float,
        margin: float,
        matched: float,
        unknown: float,
        practical: float = 0.0,
        coverage: float = 0.0,
        length: float = 0.0,
        off_topic: float = 0.0,
        model: float = 0.0,
        model_off: float = 0.0,
    ) -> float:
        z = (
            self.bias
            + self.score * score
            + self.margin * margin
            + self.matched * matched
            + self.unknown * unknown
            + self.practical * practical
            + self.coverage * coverage
            + self.length * length
            + self.off_topic * off_topic
            + self.model * model
            + self.model_off * model_off
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class Scored:
    entry_id: str
    score: float
    confidence: float
    dice: float
    coverage: float
    fuzzy: float
    margin: float  # score minus the best other entry's score
    matched: float  # question weight found in the entry, in units of the rarest word's weight
    unknown: float  # share of the question's weight in words no entry knows
    bm25: float = 0.0  # entry-level BM25 over the phrasings, normalised to [0, 1]
    evidence: float = 0.0  # the same, not normalised: how much the question says in favour
    body: float = 0.0  # BM25 against the answer's text
    prior: float = 0.0  # what the facts say (`Engine.prior`)
    off_topic: float = 0.0  # best Dice overlap with a known off-topic question
    model: float = 0.0  # the supervised model's P(this entry | question)
    model_off: float = 0.0  # its P(off-topic | question)


@dataclass(frozen=True)
class _Phrasing:
    tokens: frozenset[str]
    weight: float


# Candidate generation reads the postings of the rarest question words first and stops past this
# many postings: on a 10,000-entry base a common word would otherwise touch every entry.
POSTINGS_BUDGET = 4000
BM25_K1, BM25_B = 1.2, 0.75


class Matcher:
    """Inverted index over entries; IDF weights are computed per entry.

    Immutable after construction: `rank` reads only.
    """

    def __init__(
        self,
        entry_phrasings: Mapping[str, Sequence[Sequence[str]]],
        weights: MatchWeights | None = None,
        calibration: Calibration | None = None,
        entry_bodies: Mapping[str, Sequence[str]] | None = None,
        off_topic: Sequence[Sequence[str]] = (),
        model: PhrasingModel | None = None,
    ) -> None:
        self.weights = weights or MatchWeights()
        self.calibration = calibration or Calibration()
        # Classes 0..n-1 are the entries in `entry_ids` order, class n the off-topic bank.
        self.model = model
        self.entry_ids: tuple[str, ...] = tuple(entry_phrasings)
        df: dict[str, int] = defaultdict(int)
        counts: list[dict[str, int]] = []
        for phrasings in entry_phrasings.values():
            c: dict[str, int] = defaultdict(int)
            for p in phrasings:
                for t in p:
                    c[t] += 1
            counts.append(c)
            for t in c:
                df[t] += 1
        n = len(self.entry_ids)
        # Rare domain words (opj, clspd, crip) weigh more than words most entries share.
        self.idf: dict[str, float] = {t: math.log((n + 1) / (k + 0.5)) for t, k in df.items()}
        self.unknown_idf = math.log((n + 1) / 0.5)
        self.df = dict(df)
        # BM25 with each entry (all its phrasings) as one document: a word that many phrasings
        # repeat is central to the entry. Contributions are precomputed per entry and word.
        lengths = [sum(c.values()) for c in counts]
        avg = sum(lengths) / len(lengths) if lengths else 1.0
        bm25: list[dict[str, float]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for e, c in enumerate(counts):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[e] / avg)
            bm25.append({t: self.idf[t] * k * (BM25_K1 + 1) / (k + norm) for t, k in c.items()})
            for t in c:
                postings[t].append(e)
        self.bm25 = tuple(bm25)
        self.body_bm25, self.body_idf = _bm25_fields(
            [list((entry_bodies or {}).get(eid, ())) for eid in self.entry_ids]
        )
        self.postings = {t: tuple(v) for t, v in postings.items()}
        self.phrasings: tuple[tuple[_Phrasing, ...], ...] = tuple(
            tuple(_Phrasing(frozenset(p), self._w(frozenset(p))) for p in phrasings if p)
            for phrasings in entry_phrasings.values()
        )
        self.off_topic = tuple(
            _Phrasing(frozenset(p), self._w(frozenset(p))) for p in off_topic if p
        )
        # The entries' phrasings, then the off-topic bank as one more group.
        self.overlap = OverlapIndex(
            [
                *([p.tokens for p in ps] for ps in self.phrasings),
                [p.tokens for p in self.off_topic],
            ],
            self.idf,
            self.unknown_idf,
        )
        # token_sort_ratio is the ratio of the sorted words: sorting each phrasing once lets one
        # C-level extractOne per entry replace thousands of Python-level calls per question.
        self.sorted_texts: tuple[tuple[str, ...], ...] = tuple(
            tuple(" ".join(sorted(p)) for p in phrasings if p)
            for phrasings in entry_phrasings.values()
        )

    def _w(self, tokens: frozenset[str]) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in tokens)

    def with_model(self, model: PhrasingModel | None) -> Matcher:
        """The same indexes with a supervised model (trained against this matcher's shortlists)."""
        other = copy.copy(self)
        other.model = model
        return other

    def candidates(self, q: frozenset[str]) -> list[int]:
        """Entries sharing a word with the question, rarest words first, within the budget."""
        known = sorted((t for t in q if t in self.postings), key=lambda t: (self.df[t], t))
        partial: dict[int, float] = defaultdict(float)
        read = 0
        for t in known:
            if read and read + len(self.postings[t]) > POSTINGS_BUDGET:
                break
            read += len(self.postings[t])
            for e in self.postings[t]:
                partial[e] += self.bm25[e][t]
        return sorted(partial, key=lambda e: (-partial[e], e))[: self.weights.shortlist]

    def rank(
        self,
        tokens: Sequence[str],
        limit: int = 5,
        practical: bool = False,
        prior: Callable[[str], float] | None = None,
        text: str = "",
    ) -> list[Scored]:
        """Best entries first; an empty list when no entry shares a word with the question.

        `prior` gives an entry id's bonus in [0, 1], weighed by `MatchWeights.prior`; `text`
        (the question before normalisation) feeds the supervised model, when there is one.
        """
        q = frozenset(tokens)
        if not q:
            return []
        candidates = self.candidates(q)
        if not candidates:
            return []
        w = self.weights
        wq = self._w(q)
        bm25_max = wq * (BM25_K1 + 1)
        qsorted = " ".join(sorted(tokens))
        weight = {t: self.idf.get(t, self.unknown_idf) for t in q}
        dices = self.overlap.best(q, weight, wq)
        probs: dict[int, float] = {}
        if self.model is not None and text:
            probs = self.model.probabilities(text, candidates)
        model_off = probs.get(len(self.entry_ids), 0.0)
        # The same for every candidate: computed once per question, not once per candidate.
        body_max = sum(self.body_idf.get(t, 0.0) for t in q) * (BM25_K1 + 1)
        raw: list[tuple[int, float, float, float, float, float, tuple[float, ...]]] = []
        for e in candidates:
            contributions = self.bm25[e]
            dice = float(dices[e])
            shared = [t for t in q if t in contributions]
            matched = sum(self.idf[t] for t in shared)
            evidence = sum(contributions[t] for t in shared)
            bm25 = evidence / bm25_max
            hit = process.extractOne(
                qsorted, self.sorted_texts[e], scorer=fuzz.ratio, processor=None
            )
            fuzzy = hit[1] / 100.0 if hit else 0.0
            in_body = self.body_bm25[e]
            body = sum(in_body[t] for t in q if t in in_body) / body_max if body_max else 0.0
            bonus = prior(self.entry_ids[e]) if prior is not None else 0.0
            p_model = probs.get(e, 0.0)
            score = (
                w.model * p_model
                + w.dice * dice
                + w.coverage * matched / wq
                + w.fuzzy * fuzzy
                + w.bm25 * bm25
                + w.prior * bonus
                + w.body * body
            )
            extra: tuple[float, ...] = (bm25, evidence, body, bonus, p_model)
            raw.append((e, score, dice, matched / wq, fuzzy, matched / self.unknown_idf, extra))
        raw.sort(key=lambda r: (-r[1], self.entry_ids[r[0]]))
        unknown = sum(self.unknown_idf for t in q if t not in self.idf) / wq
        off_topic = float(dices[-1])
        # Short questions are the ambiguous ones: "secret ?" matches half the base.
        length = math.log(1 + len(q))
        scored: list[Scored] = []
        top2 = [*sorted((r[1] for r in raw), reverse=True)[:2], 0.0]
        for e, score, dice, coverage, fuzzy, matched, extra in raw[:limit]:
            best_other = top2[1] if score >= top2[0] else top2[0]
            margin = score - best_other
            conf = self.calibration.confidence(
                score,
                margin,
                matched,
                unknown,
                float(practical),
                coverage,
                length,
                off_topic,
                extra[4],
                model_off,
            )
            scored.append(
                Scored(
                    self.entry_ids[e],
                    score,
                    conf,
                    dice,
                    coverage,
                    fuzzy,
                    margin,
                    matched,
                    unknown,
                    bm25=extra[0],
                    evidence=extra[1],
                    body=extra[2],
                    prior=extra[3],
                    off_topic=off_topic,
                    model=extra[4],
                    model_off=model_off,
                )
            )
        return scored


def _bm25_fields(
    docs: Sequence[Sequence[str]],
) -> tuple[tuple[dict[str, float], ...], dict[str, float]]:
    """BM25 contribution of each word to each document, and the words' IDF."""
    counts = [Counter(d) for d in docs]
    df = Counter(t for c in counts for t in c)
    n = len(docs)
    idf = {t: math.log((n + 1) / (k + 0.5)) for t, k in df.items()}
    lengths = [sum(c.values()) for c in counts]
    avg = (sum(lengths) / n if n else 1.0) or 1.0
    out = []
    for c, length in zip(counts, lengths, strict=True):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / avg)
        out.append({t: idf[t] * k * (BM25_K1 + 1) / (k + norm) for t, k in c.items()})
    return tuple(out), idf
