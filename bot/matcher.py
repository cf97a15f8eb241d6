"""Scores a normalised question against every FAQ entry's phrasings."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz


@dataclass(frozen=True)
class MatchWeights:
    """How the three signals add up; defaults measured on the dev set (docs/matching.md)."""

    dice: float = 0.45
    coverage: float = 0.35
    fuzzy: float = 0.20
    # Confidence is a logistic curve of the score: `midpoint` maps to 0.5.
    midpoint: float = 0.42
    steepness: float = 14.0
    # Only the best `shortlist` entries by word overlap get the (slower) fuzzy comparison.
    shortlist: int = 40


@dataclass(frozen=True)
class Scored:
    entry_id: str
    score: float
    confidence: float
    dice: float
    coverage: float
    fuzzy: float


@dataclass(frozen=True)
class _Phrasing:
    entry: int
    tokens: frozenset[str]
    text: str
    weight: float


class Matcher:
    """An inverted index over phrasings, with IDF weights computed per entry.

    Immutable after construction: `rank` reads only.
    """

    def __init__(
        self,
        entry_phrasings: Mapping[str, Sequence[Sequence[str]]],
        weights: MatchWeights | None = None,
    ) -> None:
        self.weights = weights or MatchWeights()
        self.entry_ids: tuple[str, ...] = tuple(entry_phrasings)
        df: dict[str, int] = defaultdict(int)
        entry_vocab: list[frozenset[str]] = []
        for phrasings in entry_phrasings.values():
            vocab = frozenset(t for p in phrasings for t in p)
            entry_vocab.append(vocab)
            for t in vocab:
                df[t] += 1
        n = len(self.entry_ids)
        # Rare domain words (opj, clspd, crip) weigh more than words most entries share.
        self.idf: dict[str, float] = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self.unknown_idf = math.log((n + 1) / 0.5)
        self.entry_vocab = tuple(entry_vocab)
        phrasings_list: list[_Phrasing] = []
        index: dict[str, list[int]] = defaultdict(list)
        for e, phrasings in enumerate(entry_phrasings.values()):
            for p in phrasings:
                toks = frozenset(p)
                if not toks:
                    continue
                pid = len(phrasings_list)
                phrasings_list.append(_Phrasing(e, toks, " ".join(p), self._w(toks)))
                for t in toks:
                    index[t].append(pid)
        self.phrasings = tuple(phrasings_list)
        self.index = {t: tuple(ids) for t, ids in index.items()}

    def _w(self, tokens: frozenset[str]) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in tokens)

    def confidence(self, score: float) -> float:
        w = self.weights
        return 1.0 / (1.0 + math.exp(-w.steepness * (score - w.midpoint)))

    def rank(self, tokens: Sequence[str], limit: int = 5) -> list[Scored]:
        """Best entries first; an empty list when no entry shares a word with the question."""
        q = frozenset(tokens)
        if not q:
            return []
        wq = self._w(q)
        overlap: dict[int, float] = defaultdict(float)
        for t in q:
            idf = self.idf.get(t)
            if idf is None:
                continue
            for pid in self.index.get(t, ()):
                overlap[pid] += idf
        if not overlap:
            return []
        best_dice: dict[int, tuple[float, int]] = {}
        for pid, ov in overlap.items():
            ph = self.phrasings[pid]
            dice = 2 * ov / (wq + ph.weight)
            if dice > best_dice.get(ph.entry, (-1.0, -1))[0]:
                best_dice[ph.entry] = (dice, pid)
        w = self.weights
        shortlist = sorted(best_dice, key=lambda e: best_dice[e][0], reverse=True)[: w.shortlist]
        qtext = " ".join(tokens)
        by_entry: dict[int, list[int]] = defaultdict(list)
        for pid in overlap:
            by_entry[self.phrasings[pid].entry].append(pid)
        scored: list[Scored] = []
        for e in shortlist:
            dice = best_dice[e][0]
            vocab = self.entry_vocab[e]
            coverage = sum(self.idf[t] for t in q if t in vocab) / wq
            fuzzy = max(
                fuzz.token_sort_ratio(qtext, self.phrasings[pid].text) for pid in by_entry[e]
            ) / 100.0
            score = w.dice * dice + w.coverage * coverage + w.fuzzy * fuzzy
            scored.append(
                Scored(self.entry_ids[e], score, self.confidence(score), dice, coverage, fuzzy)
            )
        scored.sort(key=lambda s: (-s.score, s.entry_id))
        return scored[:limit]
