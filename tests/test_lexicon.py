"""The French lexicon and its cache (lexicon.py)."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.engine.lexicon import Lexicon, load_lexicon


def test_the_cache_gives_the_same_lexicon_and_is_private(tmp_path: Path, lexicon: Lexicon) -> None:
    first = load_lexicon(tmp_path)
    (saved,) = tmp_path.glob("lexicon-*.bin")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    again = load_lexicon(tmp_path)
    assert first.sorted_bytes() == again.sorted_bytes() == lexicon.sorted_bytes()
    assert "écoles" in again and "ecole" in again and "Dupont" not in again


def test_a_damaged_cache_is_read_again_from_the_model(tmp_path: Path, lexicon: Lexicon) -> None:
    load_lexicon(tmp_path)
    (saved,) = tmp_path.glob("lexicon-*.bin")
    saved.write_bytes(b"\x02" * 8 + b"\x01" * 8)  # two hashes out of order
    assert load_lexicon(tmp_path).sorted_bytes() == lexicon.sorted_bytes()
    saved.write_bytes(b"\x01" * 9)  # not a whole number of hashes
    assert load_lexicon(tmp_path).sorted_bytes() == lexicon.sorted_bytes()


def test_duplicates_are_kept_once_and_an_empty_lexicon_is_empty() -> None:
    assert len(Lexicon(())) == 0
    assert len(Lexicon([3, 3, 1, 2**64 - 1])) == 3
