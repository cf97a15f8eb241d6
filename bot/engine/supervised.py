"""A supervised signal learned at load time: which entry do the phrasings say a question is?

A multinomial logistic regression over TF-IDF word 1-2-grams and character 2-5-grams (inside
word boundaries, as scikit-learn's `char_wb`), trained on the entries' phrasings with the
off-topic bank as one more class: what a supervised FAQ classifier does, written with numpy
alone so that it trains in well under a second. Deterministic: a fixed vocabulary order, a
fixed seed for the order of the examples, a fixed number of epochs.

The weights of (n-gram, class) pairs live in one flat array: exactly indexed while the base is
small, hashed when n-grams times classes exceed `ModelSettings.slots`. Training and scoring
look only at the classes asked for (every class on a small base, the shortlist on a large one),
so the cost follows the shortlist, not the base.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from bot.engine.normalize import fold

_WORD = re.compile(r"\w\w+")
# Words whose character n-gram ids a model remembers (a few hundred kB at most).
CHAR_ID_CACHE = 20_000


@dataclass(frozen=True)
class ModelSettings:
    """Fixed before any measure (epochs, rate) or chosen on the dev set (docs/matching.md)."""

    enabled: bool = True
    epochs: int = 6
    rate: float = 1.0
    seed: int = 13
    # Above this many classes, a question is scored against its shortlist and the off-topic
    # class only (the softmax over every class is then too slow for a 10,000-entry base).
    full_softmax: int = 256
    # Epochs on such a large base: the shortlists make each step cheap, the texts are many.
    large_epochs: int = 2
    slots: int = 1 << 23
    # Above this many entries no model is trained: on 10,000 synthetic entries it took 517 s to
    # index, 825 MB and a 88 ms p99 (repere bench, 2026-12-02), far over the budget; the ranking
    # then works without it, as before the signal.
    max_entries: int = 2000
    # Where trained weights are kept between runs (training.py): a start of `repere ask` or of
    # the bot then reads them instead of training again. None: train every time. Not part of
    # what the model is, so not part of its cache key.
    cache_dir: Path | None = None


def words(text: str) -> list[str]:
    """Folded words of two letters or more (scikit-learn's default token pattern)."""
    return _WORD.findall(fold(text))


def char_grams(word: str) -> list[str]:
    """Character 2-5-grams of a word padded with spaces."""
    p = f" {word} "
    return [p[i : i + n] for n in range(2, 6) for i in range(len(p) - n + 1)]


def word_grams(ws: list[str]) -> list[str]:
    """Word 1-grams and 2-grams."""
    return ws + [f"{a} {b}" for a, b in pairwise(ws)]


def ngrams(text: str, cache: dict[str, list[str]] | None = None) -> tuple[list[str], list[str]]:
    """Word 1-2-grams and character 2-5-grams of each word padded with spaces (`cache`: the
    character n-grams of words already seen)."""
    ws = words(text)
    chars: list[str] = []
    for w in ws:
        grams = cache.get(w) if cache is not None else None
        if grams is None:
            grams = char_grams(w)
            if cache is not None:
                cache[w] = grams
        chars.extend(grams)
    return word_grams(ws), chars


@dataclass(frozen=True)
class Features:
    ids: np.ndarray  # int64 feature ids
    values: np.ndarray  # float64 TF-IDF weights, each part L2-normalised


class PhrasingModel:
    """Learns P(entry | question) from labelled texts; `off_topic` is the last class."""

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        classes: int,
        settings: ModelSettings | None = None,
        rivals: Callable[[int], Sequence[int]] | None = None,
        state: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.settings = s = settings or ModelSettings()
        self.classes = classes
        self.off_topic = classes - 1
        # Each word's character n-grams as vocabulary ids, for the questions asked: a question's
        # words are mostly known ones, and cutting them into n-grams again was a third of the
        # model's cost per question (`repere bench`, 3 December 2026). Bounded by CHAR_ID_CACHE.
        self._char_ids: dict[str, list[int]] = {}
        if state is not None:
            self._restore(state)
            return
        cache: dict[str, list[str]] = {}
        grams = [ngrams(t, cache) for t in texts]
        # One vocabulary per part, so that a word and a character n-gram never share an id.
        self.vocab: tuple[dict[str, int], dict[str, int]] = ({}, {})
        idf: list[float] = []
        n = len(grams)
        for part in (0, 1):
            df = Counter(g for pair in grams for g in set(pair[part]))
            for g in sorted(df):
                self.vocab[part][g] = len(idf)
                idf.append(math.log((1 + n) / (1 + df[g])) + 1.0)
        self.idf = np.array(idf)
        self.exact = len(idf) * classes <= s.slots
        # Exact: one row of class weights per n-gram; hashed: one flat array of slots.
        shape = (len(idf), classes) if self.exact else (s.slots,)
        self.weights = np.zeros(shape, dtype=np.float32)
        self.bias = np.zeros(classes)
        examples = [self._vector(g) for g in grams]
        self._train(examples, list(labels), rivals)

    def state(self) -> dict[str, np.ndarray]:
        """What a trained model is, as plain arrays (no pickle): `state=` rebuilds it."""
        return {
            "words": np.array(list(self.vocab[0]), dtype=str),
            "chars": np.array(list(self.vocab[1]), dtype=str),
            "idf": self.idf,
            "weights": self.weights,
            "bias": self.bias,
        }

    def _restore(self, state: Mapping[str, np.ndarray]) -> None:
        words_, chars = state["words"].tolist(), state["chars"].tolist()
        self.vocab = (
            {g: i for i, g in enumerate(words_)},
            {g: i + len(words_) for i, g in enumerate(chars)},
        )
        self.idf = np.asarray(state["idf"])
        self.weights = np.asarray(state["weights"])
        self.bias = np.asarray(state["bias"])
        self.exact = self.weights.ndim == 2
        if len(self.idf) != len(words_) + len(chars) or len(self.bias) != self.classes:
            raise ValueError("saved model does not fit")

    def _vector(self, grams: tuple[list[str], list[str]]) -> Features:
        return self._weighted(
            [self.vocab[part][g] for g in grams[part] if g in self.vocab[part]] for part in (0, 1)
        )

    def _weighted(self, known: Iterable[list[int]]) -> Features:
        """TF-IDF of the known n-gram ids of each part, each part L2-normalised."""
        parts = []
        for found in known:
            counts = Counter(found)
            ids = np.array(sorted(counts), dtype=np.int64)
            tf = np.array([counts[i] for i in ids.tolist()], dtype=np.float64)
            values = (1.0 + np.log(tf)) * self.idf[ids]
            norm = float(np.sqrt(values @ values)) or 1.0
            parts.append((ids, values / norm))
        return Features(
            np.concatenate([parts[0][0], parts[1][0]]), np.concatenate([parts[0][1], parts[1][1]])
        )

    def features(self, text: str) -> Features:
        """The same as `_vector(ngrams(text))`, with each word's character ids remembered."""
        ws = words(text)
        vocab, char_vocab = self.vocab
        chars: list[int] = []
        for w in ws:
            ids = self._char_ids.get(w)
            if ids is None:
                if len(self._char_ids) >= CHAR_ID_CACHE:
                    self._char_ids.clear()
                ids = [char_vocab[g] for g in char_grams(w) if g in char_vocab]
                self._char_ids[w] = ids
            chars.extend(ids)
        return self._weighted(([vocab[g] for g in word_grams(ws) if g in vocab], chars))

    def _rows(self, ids: np.ndarray, cs: np.ndarray) -> np.ndarray:
        """The weights of these n-grams for these classes, shape (n-grams, classes)."""
        if self.exact:
            if len(cs) == self.classes:
                return np.asarray(self.weights[ids])
            return np.asarray(self.weights[np.ix_(ids, cs)])
        return np.asarray(self.weights[self._hashed(ids, cs)])

    def _hashed(self, ids: np.ndarray, cs: np.ndarray) -> np.ndarray:
        mixed = (ids[:, None] * 0x9E3779B1) ^ (cs[None, :] * 0x85EBCA77 + 0x165667B1)
        return np.asarray(mixed % self.settings.slots)

    def _step(self, ids: np.ndarray, cs: np.ndarray, delta: np.ndarray) -> None:
        if not self.exact:
            # Two (n-gram, class) pairs of one question rarely share a slot; when they do,
            # one of their updates is kept (buffered indexing), the same one every time.
            self.weights[self._hashed(ids, cs)] += delta
        elif len(cs) == self.classes:
            self.weights[ids] += delta  # ids are distinct within one question
        else:
            self.weights[np.ix_(ids, cs)] += delta

    def _classes_for(self, rivals: Sequence[int] | None, gold: int | None = None) -> np.ndarray:
        if rivals is None or self.classes <= self.settings.full_softmax:
            return np.arange(self.classes)
        chosen = {*rivals, self.off_topic}
        if gold is not None:
            chosen.add(gold)
        return np.array(sorted(chosen), dtype=np.int64)

    def _train(
        self,
        examples: Sequence[Features],
        labels: Sequence[int],
        rivals: Callable[[int], Sequence[int]] | None,
    ) -> None:
        s = self.settings
        rng = np.random.default_rng(s.seed)
        # Every class on a small base; each text's shortlist, computed once, on a large one.
        shortlist = rivals if self.classes > s.full_softmax else None
        classes = [
            self._classes_for(shortlist(i) if shortlist is not None else None, labels[i])
            for i in range(len(examples))
        ]
        for epoch in range(s.large_epochs if shortlist is not None else s.epochs):
            rate = s.rate / (1.0 + epoch)
            for i in rng.permutation(len(examples)):
                x, gold = examples[i], labels[i]
                cs = classes[i]
                z = x.values @ self._rows(x.ids, cs) + self.bias[cs]
                p = np.exp(z - z.max())
                p /= p.sum()
                p[np.searchsorted(cs, gold)] -= 1.0
                # Gradient step on the log loss of this one example.
                self._step(x.ids, cs, -rate * np.outer(x.values, p))
                self.bias[cs] -= rate * p

    def probabilities(self, text: str, candidates: Sequence[int]) -> dict[int, float]:
        """P(class | question) for the candidates and the off-topic class (softmax over every
        class on a small base, over these only on a large one)."""
        x = self.features(text)
        cs = self._classes_for(candidates)
        z = x.values @ self._rows(x.ids, cs) + self.bias[cs]
        p = np.exp(z - z.max())
        p /= p.sum()
        return {int(c): float(v) for c, v in zip(cs, p, strict=True)}
