"""French words known to spaCy's fr_core_news_sm lemmatizer: tells typos and names from real words."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

import spacy.util
import srsly
from spacy.strings import get_string_id

from bot.engine.normalize import fold

MODEL = "fr_core_news_sm"


def _lookups_path() -> Path:
    root = spacy.util.get_package_path(MODEL)
    hits = sorted(root.glob("*/lemmatizer/lookups/lookups.bin")) or sorted(
        root.glob("lemmatizer/lookups/lookups.bin")
    )
    if not hits:
        raise FileNotFoundError(f"{MODEL} : table du lemmatiseur introuvable sous {root}")
    return hits[0]


class Lexicon:
    """About 200,000 French forms and lemmas, accented and folded, kept as sorted hashes."""

    def __init__(self, hashes: Iterable[int]) -> None:
        # A sorted array of 64-bit hashes takes ~3 MB where a set of ints would take ~50 MB.
        self._hashes = array("Q", sorted(set(hashes)))

    def _has(self, key: int) -> bool:
        i = bisect_left(self._hashes, key)
        return i < len(self._hashes) and self._hashes[i] == key

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        lower = word.lower()
        return self._has(get_string_id(lower)) or self._has(get_string_id(fold(lower)))

    def __len__(self) -> int:
        return len(self._hashes)


def load_lexicon() -> Lexicon:
    """Read the model's lemmatizer tables (~0.4 s). Inflected forms are stored there only hashed."""
    lookup: dict[int, list[str]] = srsly.msgpack_loads(_lookups_path().read_bytes())["lemma_lookup"]
    # lemma_index is left out: it lists surnames such as Dupont or Moreau as nouns.
    lemmas = {lemma for values in lookup.values() for lemma in values}
    hashes = set(lookup)
    hashes.update(get_string_id(lemma) for lemma in lemmas)
    hashes.update(get_string_id(fold(lemma)) for lemma in lemmas)
    return Lexicon(hashes)
