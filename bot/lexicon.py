"""French words known to spaCy's fr_core_news_sm lemmatizer, used to tell typos from real words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy.util
import srsly
from spacy.strings import hash_string  # type: ignore[attr-defined]

from bot.normalize import fold

MODEL = "fr_core_news_sm"


def _lookups_path() -> Path:
    root = spacy.util.get_package_path(MODEL)
    hits = sorted(root.glob("*/lemmatizer/lookups/lookups.bin")) or sorted(
        root.glob("lemmatizer/lookups/lookups.bin")
    )
    if not hits:
        raise FileNotFoundError(f"{MODEL} : table du lemmatiseur introuvable sous {root}")
    return hits[0]


@dataclass(frozen=True)
class Lexicon:
    """About 200,000 French forms (stored hashed by spaCy) and their folded lemmas."""

    form_hashes: frozenset[int]
    lemmas: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (
            word in self.lemmas or hash_string(word) in self.form_hashes
        )


def load_lexicon() -> Lexicon:
    tables = srsly.read_msgpack(_lookups_path())
    lookup: dict[int, list[str]] = tables["lemma_lookup"]
    lemmas = frozenset(fold(lemma) for values in lookup.values() for lemma in values)
    return Lexicon(frozenset(lookup), lemmas)
