"""Numbers dictated in words, as digits: « deux cent vingt six treize » -> "226 13" (pure).

A voice dictation writes an article's number in words. Only the article finder uses this
(`articles.py`): the digits it gives still have to be a number the base knows, so « deux
enfants » never becomes an article. Each run of number words becomes one or more numbers: a word
that cannot continue the number being read starts the next one (« six treize »: 6, then 13).
"""

from __future__ import annotations

import re

_UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9,
}  # fmt: skip
_TEENS = {
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}


class _Reader:
    """One number at a time; `take` says whether a word continues it."""

    def __init__(self) -> None:
        self.value = 0
        self.state = "start"  # start, hundred, tens, unit, ten, done

    def take(self, word: str) -> bool:
        v, st = self.value, self.state
        if word in ("cent", "cents") and st in ("start", "unit") and v < 10:
            self.value, self.state = max(v, 1) * 100, "hundred"
        elif word in _TENS and st in ("start", "hundred"):
            self.value, self.state = v + _TENS[word], "tens"
        elif word in _TENS and st == "unit" and v % 100 == 4 and _TENS[word] == 20:
            self.value, self.state = v + 76, "tens"  # quatre-vingt
        elif word in _TEENS and (
            st in ("start", "hundred") or (st == "tens" and v % 100 in (60, 80))
        ):
            self.value, self.state = v + _TEENS[word], "ten" if word == "dix" else "done"
        elif word in _UNITS and st in ("start", "hundred", "tens"):
            self.value, self.state = v + _UNITS[word], "unit"
        elif word in _UNITS and st == "ten" and _UNITS[word] >= 7:
            self.value, self.state = v + _UNITS[word], "done"  # dix-sept, soixante-dix-neuf
        else:
            return False
        return True


_ALL = sorted([*_UNITS, *_TEENS, *_TENS, "cents", "cent"], key=len, reverse=True)
_ONE = "(?:" + "|".join(_ALL) + ")"
_RUN = re.compile(rf"\b{_ONE}(?:(?:[\s-]+et)?[\s-]+{_ONE})+\b")


def _numbers(words: list[str]) -> list[int]:
    numbers: list[int] = []
    reader: _Reader | None = None
    for w in words:
        if reader is None or not reader.take(w):
            if reader is not None:
                numbers.append(reader.value)
            reader = _Reader()
            reader.take(w)
    if reader is not None:
        numbers.append(reader.value)
    return numbers


def digits(folded: str) -> str:
    """The folded text with each run of two number words or more written as numbers separated
    by spaces; the rest, and a single number word (« un enfant », « deux ans »), unchanged."""

    def convert(m: re.Match[str]) -> str:
        words = [w for w in re.split(r"[\s-]+", m.group(0)) if w != "et"]
        return " ".join(str(n) for n in _numbers(words))

    return _RUN.sub(convert, folded)
