"""Reading knowledge/ files: TOML with line numbers, the base, off-topic questions, sources, thesaurus."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.engine.knowledge import (
    MIN_PHRASING_CHARS,
    SOURCE_KINDS,
    SOURCE_SHORT_MAX_CHARS,
    Problem,
    Source,
    phrasing_key,
)
from bot.engine.normalize import SynonymGroup, collapses, fold, raw_tokens, stems


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        try:
            name = str(path.relative_to(self.root))
        except ValueError:
            name = str(path)
        self.problems.append(Problem(name, max(line, 1), message))


def _line_of(text: str, needle: str, start: int = 1) -> int:
    """First line (1-based, from `start`) containing `needle`; `start` if none does."""
    lines = text.splitlines()
    for i in range(max(start - 1, 0), len(lines)):
        if needle in lines[i]:
            return i + 1
    return start


def _key_line(text: str, key: str) -> int:
    """Line (1-based) of the `key = ...` assignment; 2 (first front-matter line) if none."""
    m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 2


_TOML_POS = re.compile(r"at line (\d+)")


def _parse_toml(path: Path, text: str, col: _Collector, line_offset: int = 0) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        line = int(m.group(1)) + line_offset if m else 1
        col.add(path, line, f"syntaxe TOML invalide ({exc})")
        return {}


def _read_optional(path: Path, col: _Collector) -> tuple[str, dict[str, Any]] | None:
    """An optional TOML file of the base: its text (for line numbers) and its data, or None when
    it is absent or unreadable (then the problem is already recorded)."""
    if not path.exists():
        return None
    text = _read(path, col)
    if text is None:
        return None
    return text, _parse_toml(path, text, col)


def _read(path: Path, col: _Collector) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        col.add(path, 1, "fichier manquant")
    except UnicodeDecodeError:
        col.add(path, 1, "le fichier n'est pas en UTF-8")
    return None


def _str_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# The emergency numbers every danger answer must carry (« urgence » in base.toml).
EMERGENCY_NUMBERS = ("17", "112")
EMERGENCY_ENTRIES_KEY = "fiches_avec_numeros ="


def _load_base(root: Path, col: _Collector) -> tuple[str, dt.date, str, tuple[str, ...]]:
    """The title, the check date, the emergency line and « fiches_avec_numeros » (the entries
    besides the danger rules' whose reply carries that line; loading checks they exist)."""
    path = root / "base.toml"
    text = _read(path, col)
    data = _parse_toml(path, text, col) if text is not None else {}
    title = data.get("titre", "Repère")
    checked = data.get("verifiee_le")
    if text is not None and not isinstance(checked, dt.date):
        col.add(
            path, _line_of(text, "verifiee_le"), "« verifiee_le » doit être une date AAAA-MM-JJ"
        )
        checked = dt.date(1970, 1, 1)
    emergency = data.get("urgence", "")
    if text is not None and (
        not isinstance(emergency, str) or not all(n in emergency for n in EMERGENCY_NUMBERS)
    ):
        col.add(
            path,
            _line_of(text, "urgence ="),
            "« urgence » doit être la phrase des numéros d'urgence, avec le 17 et le 112",
        )
        emergency = ""
    listed = data.get("fiches_avec_numeros", [])
    if not isinstance(listed, list) or not all(isinstance(e, str) for e in listed):
        col.add(
            path,
            _line_of(text or "", EMERGENCY_ENTRIES_KEY),
            "« fiches_avec_numeros » doit être une liste d'identifiants de fiches",
        )
        listed = []
    day = checked if isinstance(checked, dt.date) else dt.date(1970, 1, 1)
    return str(title), day, str(emergency), tuple(listed)


OFF_TOPIC_FILE = "hors-sujet.toml"


def _load_off_topic(
    root: Path, col: _Collector, phrasing_owner: Mapping[str, str]
) -> tuple[str, ...]:
    """The optional bank of off-topic questions; none may also be a phrasing of an entry."""
    path = root / OFF_TOPIC_FILE
    read = _read_optional(path, col)
    if read is None:
        return ()
    text, data = read
    questions = _str_list(data.get("questions", []))
    if questions is None:
        col.add(path, _key_line(text, "questions"), "« questions » doit être une liste de textes")
        return ()
    seen: set[str] = set()
    for q in questions:
        key = phrasing_key(q)
        if len(q.strip()) < MIN_PHRASING_CHARS:
            col.add(path, _line_of(text, f'"{q}"') if q else 1, "question vide ou trop courte")
        elif key in phrasing_owner:
            col.add(
                path,
                _line_of(text, q),
                f"« {q} » est aussi une formulation de la fiche « {phrasing_owner[key]} »",
            )
        elif key in seen:
            col.add(path, _line_of(text, q), f"question en double : « {q} »")
        seen.add(key)
    return questions


def _load_sources(root: Path, col: _Collector) -> dict[str, Source]:
    path = root / "sources.toml"
    text = _read(path, col)
    if text is None:
        return {}
    data = _parse_toml(path, text, col)
    sources: dict[str, Source] = {}
    for sid, raw in data.items():
        line = _line_of(text, f"[{sid}]")
        if not isinstance(raw, dict):
            col.add(path, line, f"« {sid} » doit être une section [{sid}]")
            continue
        missing = [k for k in ("label", "kind", "reference", "validity") if not raw.get(k)]
        if missing:
            col.add(path, line, f"source « {sid} » : champ(s) manquant(s) : {', '.join(missing)}")
            continue
        if raw["kind"] not in SOURCE_KINDS:
            col.add(
                path,
                _line_of(text, "kind", line),
                f"source « {sid} » : kind « {raw['kind']} » inconnu "
                f"(attendu : {', '.join(SOURCE_KINDS)})",
            )
        url = raw.get("url")
        if url is not None and not str(url).startswith("https://"):
            col.add(
                path, _line_of(text, "url", line), f"source « {sid} » : l'url doit être en https"
            )
            url = None
        summary = raw.get("summary", "")
        if raw["kind"] == "code" and (not isinstance(summary, str) or not summary.strip()):
            col.add(
                path,
                line,
                f"source « {sid} » : un article de code demande un « summary » : ce qu'il dit, "
                "en mots simples, en 1 à 3 phrases",
            )
        short = raw.get("short", "")
        if not isinstance(short, str) or len(short) > SOURCE_SHORT_MAX_CHARS:
            col.add(
                path,
                _line_of(text, "short", line),
                f"source « {sid} » : « short » est la forme courte du libellé, "
                f"{SOURCE_SHORT_MAX_CHARS} caractères au plus",
            )
            short = ""
        date = raw.get("date")
        sources[sid] = Source(
            id=sid,
            label=str(raw["label"]),
            kind=str(raw["kind"]),
            reference=str(raw["reference"]),
            validity=str(raw["validity"]),
            url=url,
            seed=raw.get("seed"),
            date=date if isinstance(date, dt.date) else None,
            summary=str(summary),
            short=short.strip(),
        )
    return sources


def _load_synonyms(root: Path, col: _Collector) -> tuple[SynonymGroup, ...]:
    path = root / "synonyms.toml"
    text = _read(path, col)
    if text is None:
        return ()
    data = _parse_toml(path, text, col)
    groups: list[SynonymGroup] = []
    seen: dict[str, str] = {}
    search_from = 1
    for raw in data.get("groupe", []):
        canon = raw.get("canon") if isinstance(raw, dict) else None
        line = _line_of(text, "[[groupe]]", search_from)
        search_from = line + 1
        terms = _str_list(raw.get("termes")) if isinstance(raw, dict) else None
        if not isinstance(canon, str) or not canon.strip() or terms is None:
            col.add(
                path, line, "chaque [[groupe]] doit avoir « canon » (texte) et « termes » (liste)"
            )
            continue
        # Words of the group's one-word terms: a collapsing expression may shrink onto one of them.
        single = {
            s[0] for t in (canon, *terms) if len(raw_tokens(t)) == 1 and (s := stems(raw_tokens(t)))
        }
        for term in terms:
            shrunk = collapses(term)
            if shrunk is not None and shrunk not in single:
                col.add(path, _line_of(text, f'"{term}"', line), _collapse_message(term, shrunk))
            key = fold(term).strip()
            if key in seen and seen[key] != canon:
                col.add(
                    path,
                    _line_of(text, f'"{term}"', line),
                    f"le terme « {term} » est déjà dans le groupe « {seen[key]} »",
                )
            seen[key] = canon
        groups.append(SynonymGroup(canon, terms))
    return tuple(groups)


def _collapse_message(term: str, word: str) -> str:
    return (
        f"l'expression « {term} » se réduit au seul mot « {word} » une fois les mots vides retirés : "
        "elle s'appliquerait partout où ce mot apparaît. Ajoutez un mot plus précis ou retirez-la"
    )
