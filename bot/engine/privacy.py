"""Detect personal data in a question so the bot can warn without ever echoing it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

from bot.engine.lexicon import Lexicon, load_lexicon
from bot.engine.masking import Screened, kinds_of, screen
from bot.engine.normalize import fold
from bot.engine.privacy_finders import (
    _extend_back,
    _extend_surnames,
    _find_addresses,
    _find_birthdates,
    _find_cued_names,
    _find_emails,
    _find_ibans,
    _find_nirs,
    _find_phones,
    _first_name_hit,
    _in_place_context,
)
from bot.engine.privacy_patterns import (
    _FIRST_NAMES_OK,
    _NOT_NAME,
    _PARTICLES,
    _PRIORITY,
    _TITLE_RE,
    _TRANSLATION,
    _WORD_RE,
    MAX_SCAN_CHARS,
    PLACEHOLDERS,
    SPACY_EXCLUDE,
    SPACY_MODEL,
    Finding,
)
from bot.engine.spacy_light import load_ner


class PrivacyScanner:
    """Find personal data in French free text, reporting kinds and offsets only."""

    def __init__(self, nlp: Language | None = None, lexicon: Lexicon | None = None) -> None:
        """Load the NER-only spaCy pipeline and the lexicon once, unless they are given."""
        self._nlp: Language = nlp if nlp is not None else load_ner(SPACY_MODEL, SPACY_EXCLUDE)
        self._lexicon = lexicon if lexicon is not None else load_lexicon()

    def scan(self, text: str) -> tuple[Finding, ...]:
        """Return findings sorted by start, overlapping spans of a kind merged."""
        if not text:
            return ()
        norm = text[:MAX_SCAN_CHARS].translate(_TRANSLATION)
        found: list[Finding] = []
        found.extend(_find_ibans(norm))
        found.extend(_find_nirs(norm))
        found.extend(_find_emails(norm))
        found.extend(_find_phones(norm))
        found.extend(_find_birthdates(norm))
        found.extend(_find_addresses(norm))
        found.extend(self._find_names(norm))
        return _resolve(norm, found)

    def kinds(self, text: str) -> tuple[str, ...]:
        """Return the kinds of personal data found, in KINDS order."""
        return kinds_of(self.scan(text))

    def screen(self, text: str) -> Screened:
        """The kinds found and the text with them blanked, from one scan (bot/engine/masking.py)."""
        return screen(text, self.scan(text))

    def scrub(self, text: str) -> str:
        """Replace each finding by its placeholder; text past MAX_SCAN_CHARS is dropped."""
        kept = text[:MAX_SCAN_CHARS]
        out: list[str] = []
        pos = 0
        for f in self.scan(kept):
            out.append(kept[pos : f.start])
            out.append(PLACEHOLDERS[f.kind])
            pos = f.end
        out.append(kept[pos:])
        return "".join(out)

    def _find_names(self, text: str) -> Iterator[Finding]:
        yield from _find_cued_names(text, self._lexicon)
        run_ner = False
        skip_until = 0
        for m in _WORD_RE.finditer(text):
            word = m.group()
            folded = fold(word)
            if m.start() < skip_until:
                continue
            if _first_name_hit(word, folded):
                end = _extend_surnames(text, m.end())
                skip_until = end
                if not _in_place_context(text, m.start()):
                    yield Finding("name", _extend_back(text, m.start()), end)
            elif (
                _TITLE_RE.match(word)
                and folded not in _NOT_NAME
                and not word.isupper()
                and word not in self._lexicon
            ):
                run_ner = True
        # spaCy costs ~3 ms; skip it when no token could survive the filters below anyway.
        if run_ner:
            yield from self._ner_names(text)

    def _ner_names(self, text: str) -> Iterator[Finding]:
        doc = self._nlp(text)
        for ent in doc.ents:
            if ent.label_ != "PER":
                continue
            tokens = [t for t in ent if t.text.strip()]
            while tokens and (
                fold(tokens[0].text) in _NOT_NAME
                or fold(tokens[0].text) in _PARTICLES
                or not tokens[0].text[:1].isalpha()
            ):
                tokens.pop(0)
            while tokens and not tokens[-1].text[:1].isalpha():
                tokens.pop()
            if not tokens:
                continue
            good = False
            for tok in tokens:
                word = tok.text
                if not _TITLE_RE.match(word) or fold(word) in _NOT_NAME:
                    continue
                if any(fold(p) in _NOT_NAME for p in word.split("-")):
                    continue
                if fold(word) in _FIRST_NAMES_OK:
                    good = True
                    continue
                # spaCy tags capitalised common nouns as PER ("Habitat et Humanisme"), and a
                # capitalised word opening a sentence is usually not a name ("Dispo demain ?").
                if word in self._lexicon or _is_sentence_start(text, tok.idx):
                    continue
                good = True
            start = tokens[0].idx
            if good and not _in_place_context(text, start):
                yield Finding("name", start, tokens[-1].idx + len(tokens[-1].text))


def _is_sentence_start(text: str, idx: int) -> bool:
    before = text[:idx].rstrip(" \t'\"«-*•")
    return not before or before[-1] in ".!?…\n"


def _merge(findings: Iterable[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and f.start <= merged[-1].end:
            last = merged[-1]
            if f.end > last.end:
                merged[-1] = Finding(last.kind, last.start, f.end)
        else:
            merged.append(f)
    return merged


def _resolve(text: str, findings: list[Finding]) -> tuple[Finding, ...]:
    """Merge overlaps within a kind, then let the more specific kind win across kinds."""
    kept: list[Finding] = []
    for kind in _PRIORITY:
        for f in _merge(x for x in findings if x.kind == kind):
            if all(f.end <= k.start or f.start >= k.end for k in kept):
                kept.append(f)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end)))
