"""Personal data out of a question before it is matched: the matcher sees the plain question.

A name, an address or a phone number is not a word of the question: matched as one, « Benali »
or « rue des Lilas » pulls the ranking towards whatever entry shares a stray word, and the
question is answered less often than the same question without the data. The scanner's findings
(one pass, also used for the warning) are blanked here; dates that are not birth dates
(« convoqué le 12/03/2026 ») are blanked too, since their digits are noise for the matcher and
never a fact of the rules. What survives is what the rules read: article numbers (226-13,
L121-6-2), emergency numbers (17, 112, 119, 3919, 3977) and ages (« 16 ans », « 17 mois »),
none of which the scanner reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.normalize import fold
from bot.engine.privacy_patterns import _CAPWORD, _NOT_NAME, KINDS, MAX_SCAN_CHARS, Finding

_MONTHS = (
    r"janvier|janv|f[ée]vrier|f[ée]vr?|mars|avril|avr|mai|juin|juillet|juil|ao[uû]t|"
    r"septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c"
)
# A full date: 12/03/2026, 12.03.26, 12-03-2026, « 12 mars 2026 », « 1er mars 2026 ». A day and
# month alone (« le 12/03 ») are kept: « 12/03 » could be a fraction or a reference.
_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:[0-3]?\d[/.-][01]?\d[/.-](?:19|20)?\d{2}"
    rf"|(?:1er|[0-3]?\d)\s+(?i:{_MONTHS})\.?\s+(?:19|20)\d{{2}})(?![\w/.-])"
)


@dataclass(frozen=True)
class Screened:
    """What one scan of a question gives: the kinds to warn about and the text to match."""

    kinds: tuple[str, ...]
    masked: str


def kinds_of(findings: Sequence[Finding]) -> tuple[str, ...]:
    """The kinds found, in KINDS order."""
    present = {f.kind for f in findings}
    return tuple(k for k in KINDS if k in present)


# « la loi du 14 mars 2016 », « le décret n° 2018-1 du 2 janvier 2018 »: a text's date names
# the text, and entries are matched on it.
_TEXT_DATE_RE = re.compile(
    r"(?i:\b(?:loi|d[ée]cret|ordonnance|arr[êe]t[ée]|circulaire|instruction)\b[^,.;?!\n]{0,30}"
    r"\bdu\s+)\Z"
)


# A CAF or MSA allocataire number, a case or file number: digits after their cue (« n° CAF
# 1234567 », « dossier 2024/00123 »). Only after a cue: « loi n° 2016-297 », « 3 750 € » and the
# article numbers are not references.
_REFERENCE_RE = re.compile(
    r"(?i:\b(?:allocataire|caf|msa|cpam|dossier|matricule|r[ée]f[ée]rence|r[ée]f|identifiant|"
    r"num[ée]ro\s+fiscal)\b)[^\n\d?!]{0,20}?"
    r"(?P<num>(?<![\w/-])[A-Za-z]{0,3}\d[\d/.-]{3,}\d[A-Za-z]?)(?![\w/-])"
)


# « l'école Jules Ferry », « le collège Jean Moulin »: the scanner rightly does not call these
# people, but matched as words they are typo-corrected into the base's vocabulary (« Jules » is
# one letter from « juges », which reads as the justice asking). The place word stays.
_INSTITUTION_RE = re.compile(
    r"(?i:\b(?:[ée]cole|coll[èe]ge|lyc[ée]e|cr[èe]che|maternelle|h[ôo]pital|clinique|stade|"
    r"gymnase|gare|m[ée]tro|quartier))\s+(?:(?i:de|du|des|la|le|les)\s+|(?i:d|l)'\s*)*"
    rf"(?P<name>{_CAPWORD}(?:[ -]+{_CAPWORD}){{0,3}})"
)


def institution_spans(text: str) -> list[tuple[int, int]]:
    """The proper name of a school, a hospital or a station: blanked, not reported."""
    spans = []
    for m in _INSTITUTION_RE.finditer(text):
        words = m.group("name").replace("-", " ").split()
        if not any(fold(w) in _NOT_NAME for w in words):
            spans.append(m.span("name"))
    return spans


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Cued reference numbers with at least five digits: blanked, not reported."""
    return [
        m.span("num")
        for m in _REFERENCE_RE.finditer(text)
        if sum(c.isdigit() for c in m.group("num")) >= 5
    ]


def date_spans(text: str) -> list[tuple[int, int]]:
    """Full dates that are neither birth dates nor the date of a law: blanked, not reported."""
    return [
        m.span()
        for m in _DATE_RE.finditer(text)
        if not _TEXT_DATE_RE.search(text, max(0, m.start() - 60), m.start())
    ]


def mask(text: str, findings: Sequence[Finding]) -> str:
    """Blank each finding, full date, cued reference number and institution name with a space.

    A space, not a placeholder word: « l'adresse de Mme Benali » becomes « l'adresse de Mme  »,
    which normalises like « l'adresse de madame »; a placeholder would be one more word to match.
    Text past MAX_SCAN_CHARS was not scanned and is dropped, as the scanner's scrub does.
    """
    kept = text[:MAX_SCAN_CHARS]
    spans = sorted(
        [(f.start, f.end) for f in findings]
        + date_spans(kept)
        + reference_spans(kept)
        + institution_spans(kept)
    )
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        out.append(kept[pos : max(pos, start)])
        out.append(" ")
        pos = end
    out.append(kept[pos:])
    return "".join(out)


def screen(text: str, findings: Sequence[Finding]) -> Screened:
    return Screened(kinds_of(findings), mask(text, findings))
