"""clarify.toml: the deciding facts Repère asks for, validated with file and line.

The file is optional (a base without it never asks for a fact); when present, every fact must be
a fact of rules.toml and every entry an entry of the base, so a typo fails at load, not in a
conversation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from bot.engine.kb_files import _Collector, _line_of, _read_optional, _str_list
from bot.engine.knowledge import _ID, Ask, AskCase, AskChoice

MIN_CHOICES = 2
MAX_CHOICES = 4
FILE = "clarify.toml"


def _load_asks(
    root: Path, col: _Collector, facts: Mapping[str, object], entries: Collection[str]
) -> tuple[Ask, ...]:
    path = root / FILE
    read = _read_optional(path, col)
    if read is None:
        return ()
    text, data = read
    raw_asks = data.get("ask", [])
    if not isinstance(raw_asks, list):
        col.add(path, 1, "« ask » doit être une liste de sections [[ask]]")
        return ()
    asks: list[Ask] = []
    search_from = 1
    for raw in raw_asks:
        aid = raw.get("id", "?") if isinstance(raw, dict) else "?"
        line = _line_of(text, f'id = "{aid}"', search_from)
        search_from = line + 1
        ask = _load_ask(raw, line, path, text, col, facts, entries)
        if ask is not None:
            if any(a.id == ask.id for a in asks):
                col.add(path, line, f"question « {ask.id} » en double")
            asks.append(ask)
    return tuple(sorted(asks, key=lambda a: (-a.priority, a.id)))


def _load_ask(
    raw: Any,
    line: int,
    path: Path,
    text: str,
    col: _Collector,
    facts: Mapping[str, object],
    entries: Collection[str],
) -> Ask | None:
    aid = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or not isinstance(aid, str) or not _ID.match(aid):
        col.add(path, line, "chaque [[ask]] doit avoir un « id » (minuscules et tirets)")
        return None
    where = f"question « {aid} »"
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        col.add(path, line, f"{where} : « question » (le texte demandé, en français) manque")
        question = ""
    when_raw = _str_list(raw.get("when"))
    if not when_raw:
        col.add(path, line, f"{where} : « when » doit être une liste non vide de faits")
        when_raw = ()
    when = tuple(tuple(p.strip() for p in group.split("|")) for group in when_raw)
    answered_by = _str_list(raw.get("answered_by", [])) or ()
    unnamed = _str_list(raw.get("unnamed", [])) or ()
    weak = _str_list(raw.get("weak", [])) or ()
    if not set(weak) <= set(answered_by):
        col.add(path, line, f"{where} : « weak » ne peut citer que des faits de « answered_by »")

    def check_facts(names: Collection[str], near: int) -> None:
        for fact in names:
            if fact not in facts:
                col.add(
                    path,
                    _line_of(text, f'"{fact}"', near),
                    f"{where} : fait inconnu « {fact} » (absent de [facts] dans rules.toml)",
                )

    check_facts({f for group in when for f in group} | set(answered_by) | set(unnamed), line)

    def choice(value: Any, key: str) -> AskChoice | None:
        near = _line_of(text, key, line)
        if not isinstance(value, dict):
            col.add(
                path, near, f"{where} : « {key} » : une table {{ label, facts, entry }} attendue"
            )
            return None
        label, entry = value.get("label"), value.get("entry")
        added = _str_list(value.get("facts"))
        if not isinstance(label, str) or not label.strip():
            col.add(path, near, f"{where} : un choix de « {key} » n'a pas de « label »")
            return None
        near = _line_of(text, label, line)
        if not added:
            col.add(path, near, f"{where} : le choix « {label} » doit ajouter au moins un fait")
            added = ()
        check_facts(added, near)
        if not isinstance(entry, str) or entry not in entries:
            col.add(
                path, near, f"{where} : le choix « {label} » mène à une fiche inconnue « {entry} »"
            )
            entry = ""
        return AskChoice(label.strip(), tuple(added), str(entry))

    raw_choices = raw.get("choices")
    choices = [c for c in (choice(v, "choices") for v in _as_list(raw_choices)) if c]
    if not MIN_CHOICES <= len(_as_list(raw_choices)) <= MAX_CHOICES:
        col.add(
            path,
            _line_of(text, "choices", line),
            f"{where} : il faut de {MIN_CHOICES} à {MAX_CHOICES} choix dans « choices »",
        )
    other = choice(raw.get("other"), "other")
    if other is None:
        col.add(path, line, f"{where} : « other » (le choix « autre ») manque")
    cases = [AskCase(q, True) for q in _str_list(raw.get("must_ask", [])) or ()]
    cases += [AskCase(q, False) for q in _str_list(raw.get("must_not_ask", [])) or ()]
    if {c.asks for c in cases} != {True, False}:
        col.add(path, line, f"{where} : il faut des cas « must_ask » et « must_not_ask »")
    priority = raw.get("priority", 0)
    if other is None or len(choices) != len(_as_list(raw_choices)):
        return None
    return Ask(
        id=aid,
        priority=priority if isinstance(priority, int) else 0,
        question=question.strip(),
        when=when,
        answered_by=answered_by,
        unnamed=unnamed,
        weak=weak,
        choices=tuple(choices),
        other=other,
        cases=tuple(cases),
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
