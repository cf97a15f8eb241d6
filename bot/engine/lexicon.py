"""French words known to spaCy's fr_core_news_sm lemmatizer: tells typos and names from real words."""

from __future__ import annotations

import hashlib
import logging
import os
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import spacy.util
import srsly
from spacy.strings import get_string_id

from bot.engine.normalize import fold

MODEL = "fr_core_news_sm"

log = logging.getLogger(__name__)


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
        # A sorted array of 64-bit hashes takes ~3 MB where a set of ints would take ~50 MB; sorted
        # by numpy, then copied as bytes: 0.02 s at start where `sorted(set(...))` took 0.4 s.
        ordered = np.sort(np.fromiter(hashes, dtype=np.uint64))
        unique = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))[: len(ordered)]]
        self._hashes = array("Q", unique.astype("=u8").tobytes())

    @classmethod
    def from_sorted(cls, data: bytes) -> Lexicon:
        """A lexicon from `sorted_bytes` (its cache)."""
        if len(data) % 8:
            raise ValueError("not an array of 64-bit hashes")
        hashes = np.frombuffer(data, dtype="=u8")
        if not bool(np.all(hashes[1:] > hashes[:-1])):
            raise ValueError("hashes not sorted")
        lexicon = cls(())
        lexicon._hashes = array("Q", data)
        return lexicon

    def sorted_bytes(self) -> bytes:
        return self._hashes.tobytes()

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


def load_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """Read the model's lemmatizer tables (~0.9 s). Inflected forms are stored there only hashed.

    With `cache_dir` (the model's weights cache), the sorted hashes are kept there and read back
    in a few milliseconds: the tables' size, date and path and this module's code make the key.
    """
    path = _lookups_path()
    cached = _cache_path(cache_dir, path) if cache_dir is not None else None
    if cached is not None and cached.is_file():
        try:
            return Lexicon.from_sorted(cached.read_bytes())
        except (OSError, ValueError) as err:
            log.warning("cache du lexique illisible, nouvelle lecture : %s", type(err).__name__)
    lookup: dict[int, list[str]] = srsly.msgpack_loads(path.read_bytes())["lemma_lookup"]
    # lemma_index is left out: it lists surnames such as Dupont or Moreau as nouns.
    lemmas = {lemma for values in lookup.values() for lemma in values}
    hashes = set(lookup)
    hashes.update(get_string_id(lemma) for lemma in lemmas)
    hashes.update(get_string_id(fold(lemma)) for lemma in lemmas)
    lexicon = Lexicon(hashes)
    if cached is not None:
        _save(cached, lexicon.sorted_bytes())
    return lexicon


def _cache_path(cache_dir: Path, tables: Path) -> Path:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    stat = tables.stat()
    digest.update(f"{tables}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache_dir / f"lexicon-{digest.hexdigest()[:32]}.bin"


def _save(path: Path, data: bytes) -> None:
    """Written aside then renamed, mode 0600 like every file of the data directory; only the
    newest is kept. A failure only costs the next start a new reading."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        for old in path.parent.glob("lexicon-*.bin"):
            if old != path:
                old.unlink()
    except OSError as err:
        log.warning("cache du lexique non écrit : %s", type(err).__name__)
