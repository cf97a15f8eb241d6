"""One finder per kind of personal data: regexes, checksums and civility cues, offsets only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from stdnum import iban as std_iban
from stdnum.fr import nir as std_nir

from bot.engine.lexicon import Lexicon
from bot.engine.normalize import fold
from bot.engine.privacy_patterns import (
    _ABBREV_CIVILITY,
    _AFTER_CIVILITY_NOT_NAME,
    _AMBIGUOUS_LOWER,
    _BIRTH_RE,
    _CIVILITY_RE,
    _DIGIT_RE,
    _EMAIL_RE,
    _FAMILY_RE,
    _FIRST_NAMES_OK,
    _FR_PHONE_RE,
    _IBAN_RE,
    _NAMED_PLACE_RE,
    _NEXT_CAP_RE,
    _NEXT_WORD_RE,
    _NIR_CUE_RE,
    _NIR_RE,
    _NOT_NAME,
    _NOT_TOWN,
    _PARTICLES,
    _PHONE_LENIENCY,
    _PHONE_PRECHECK_RE,
    _PLACE_CONTEXT_RE,
    _POSTCODE_TOWN_RE,
    _PREV_UPPER_RE,
    _STREET_RE,
    _UNWANTED_PHONE_TYPES,
    Finding,
)


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


# --------------------------------------------------------------------------------------------
# Detectors. Each yields findings on the normalised text.


def _find_emails(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for m in _EMAIL_RE.finditer(text):
        yield Finding("email", m.start(), m.end())


def _find_ibans(text: str) -> Iterator[Finding]:
    for m in _IBAN_RE.finditer(text):
        raw = m.group()
        positions = [m.start() + i for i, c in enumerate(raw) if c != " "]
        compact = raw.replace(" ", "").upper()
        # The greedy groups may swallow a following word; shrink until the checksum holds.
        for length in range(len(compact), 14, -1):
            if std_iban.is_valid(compact[:length]):
                yield Finding("iban", m.start(), positions[length - 1] + 1)
                break


def _find_nirs(text: str) -> Iterator[Finding]:
    for m in _NIR_RE.finditer(text):
        compact = re.sub(r"[ .]", "", m.group()).upper()
        if len(compact) == 15:
            if std_nir.is_valid(compact):
                yield Finding("nir", m.start(), m.end())
            continue
        month = int(compact[3:5])
        plausible = 1 <= month <= 12 or 20 <= month <= 42 or month >= 50
        if plausible and _NIR_CUE_RE.search(text, max(0, m.start() - 40), m.start()):
            yield Finding("nir", m.start(), m.end())


def _find_phones(text: str) -> Iterator[Finding]:
    if not _PHONE_PRECHECK_RE.search(text):
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=_PHONE_LENIENCY):
        if _wanted_phone(match.number) and len(_DIGIT_RE.findall(match.raw_string)) >= 9:
            yield Finding("phone", match.start, match.end)
    # The matcher drops a number glued to other digits ("le 119 06 12 34 56 78") because it
    # sees one over-long candidate; French formats are cheap to look for directly.
    for m in _FR_PHONE_RE.finditer(text):
        try:
            number = phonenumbers.parse(m.group(), "FR")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and _wanted_phone(number):
            yield Finding("phone", m.start(), m.end())


def _wanted_phone(number: phonenumbers.PhoneNumber) -> bool:
    # Toll-free and shared-cost numbers belong to services, not to people.
    return phonenumbers.number_type(number) not in _UNWANTED_PHONE_TYPES


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _find_birthdates(text: str) -> Iterator[Finding]:
    for m in _BIRTH_RE.finditer(text):
        if m.group("d") is not None:
            if not _valid_day_month(int(m.group("d")), int(m.group("m"))):
                continue
        else:
            day = 1 if m.group("sd").lower() == "1er" else int(m.group("sd"))
            if not 1 <= day <= 31:
                continue
        yield Finding("birthdate", m.start("date"), m.end("date"))


def _find_addresses(text: str) -> Iterator[Finding]:
    if _DIGIT_RE.search(text):
        for m in _STREET_RE.finditer(text):
            yield Finding("address", m.start(), m.end())
        for m in _POSTCODE_TOWN_RE.finditer(text):
            first_town_word = m.group("town").split()[0].split("-")[0]
            if fold(first_town_word) not in _NOT_TOWN:
                yield Finding("address", m.start(), m.end())
    for m in _NAMED_PLACE_RE.finditer(text):
        yield Finding("address", m.start(), m.end())


def _in_place_context(text: str, start: int) -> bool:
    return bool(_PLACE_CONTEXT_RE.search(text, max(0, start - 40), start))


def _extend_surnames(text: str, end: int, limit: int = 3) -> int:
    """Extend a name over the capitalised words that follow it ("Kevin DURAND")."""
    for _ in range(limit):
        m = _NEXT_CAP_RE.match(text, end)
        if m is None or fold(m.group(1)) in _NOT_NAME:
            break
        end = m.end(1)
    return end


def _extend_back(text: str, start: int) -> int:
    """Include an uppercase surname written before the first name ("DURAND Kevin")."""
    m = _PREV_UPPER_RE.search(text, max(0, start - 40), start)
    if m is None or fold(m.group(1)) in _NOT_NAME:
        return start
    return m.start(1)


def _find_cued_names(text: str, lexicon: Lexicon) -> Iterator[Finding]:
    for m in _CIVILITY_RE.finditer(text):
        cue = m.group("cue")
        cue_folded = cue.lower()
        w = _NEXT_WORD_RE.match(text, m.end())
        if w is None:
            continue
        word = w.group(1)
        start = w.start(1)
        folded = fold(word)
        if len(word) < 2:
            continue  # "Mme X", "M. D." are already pseudonymised
        if cue_folded in {"me", "m.", "pr", "pr."} and not (cue[0].isupper() and _is_cap(word)):
            continue  # "il me dit", "3 m. de long", "pr tt le monde" (chat for « pour »)
        if folded in _PARTICLES and _is_cap(word):
            nxt = _NEXT_CAP_RE.match(text, w.end(1))
            if nxt is None or fold(nxt.group(1)) in _NOT_NAME:
                continue  # "Madame La Présidente"
            yield Finding("name", start, _extend_surnames(text, nxt.end(1)))
            continue
        if _is_cap(word):
            # "M. Petit", "Mme Blanc": after a civility only roles and grammar words are out.
            if folded not in _AFTER_CIVILITY_NOT_NAME:
                yield Finding("name", start, _extend_surnames(text, w.end(1)))
        elif folded not in _NOT_NAME and (
            cue_folded in _ABBREV_CIVILITY or folded in _FIRST_NAMES_OK or word not in lexicon
        ):
            yield Finding("name", start, w.end(1))
    for m in _FAMILY_RE.finditer(text):
        w = _NEXT_WORD_RE.match(text, m.end())
        if w is None:
            continue
        word = w.group(1)
        folded = fold(word)
        if len(word) < 2:
            continue
        if _is_cap(word) and folded in _PARTICLES:
            nxt = _NEXT_CAP_RE.match(text, w.end(1))
            if nxt is not None and fold(nxt.group(1)) not in _NOT_NAME:
                yield Finding("name", w.start(1), _extend_surnames(text, nxt.end(1)))
            continue
        if folded in _NOT_NAME:
            continue
        if _is_cap(word) or (folded in _FIRST_NAMES_OK and folded not in _AMBIGUOUS_LOWER):
            yield Finding("name", w.start(1), _extend_surnames(text, w.end(1)))


def _first_name_hit(word: str, folded: str) -> bool:
    if folded in _FIRST_NAMES_OK:
        return _is_cap(word) or folded not in _AMBIGUOUS_LOWER
    if "-" in word and _is_cap(word):
        parts = folded.split("-")
        if parts[0] in {"saint", "sainte", "st", "ste"}:
            return False
        return any(p in _FIRST_NAMES_OK for p in parts) and all(p not in _NOT_NAME for p in parts)
    return False
