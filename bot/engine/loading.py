"""Loading `knowledge/` whole: every file validated, every problem reported with file and line."""

from __future__ import annotations

from pathlib import Path

from bot.engine.kb_clarify import _load_asks
from bot.engine.kb_entries import (
    _load_entry,
)
from bot.engine.kb_files import (
    EMERGENCY_ENTRIES_KEY,
    _Collector,
    _key_line,
    _line_of,
    _load_base,
    _load_off_topic,
    _load_sources,
    _load_synonyms,
)
from bot.engine.kb_rules import (
    _load_rules,
)
from bot.engine.kb_smalltalk import _load_smalltalk
from bot.engine.knowledge import (
    Entry,
    KnowledgeBase,
    KnowledgeError,
    packaged_knowledge_dir,
    phrasing_key,
)


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the whole base; raise KnowledgeError listing every problem found."""
    root = Path(directory) if directory is not None else packaged_knowledge_dir()
    col = _Collector(root)
    if not root.is_dir():
        col.add(root, 1, "dossier de la base de connaissances introuvable")
        raise KnowledgeError(col.problems)
    title, checked, emergency, listed = _load_base(root, col)
    sources = _load_sources(root, col)
    synonyms = _load_synonyms(root, col)
    entries: dict[str, Entry] = {}
    phrasing_owner: dict[str, str] = {}
    entry_dir = root / "entries"
    paths = sorted(entry_dir.glob("*.md")) if entry_dir.is_dir() else []
    if not paths:
        col.add(entry_dir, 1, "aucune fiche trouvée (fichiers entries/*.md)")
    for path in paths:
        entry = _load_entry(path, col)
        if entry is None:
            continue
        if entry.id in entries:
            col.add(
                path,
                _key_line(path.read_text(encoding="utf-8"), "id"),
                f"id « {entry.id} » en double (déjà dans entries/{Path(entries[entry.id].path).name})",
            )
            continue
        text = path.read_text(encoding="utf-8")
        for sid in entry.sources:
            if sid not in sources:
                col.add(
                    path,
                    _line_of(text, sid),
                    f"source inconnue « {sid} » (absente de sources.toml)",
                )
        for q in entry.questions:
            key = phrasing_key(q)
            owner = phrasing_owner.get(key)
            if owner is not None:
                col.add(
                    path,
                    _line_of(text, q),
                    f"formulation en double : « {q} » (déjà dans la fiche « {owner} »)",
                )
            phrasing_owner[key] = entry.id
        entries[entry.id] = entry
    for entry in entries.values():
        text = Path(entry.path).read_text(encoding="utf-8")
        for rid in entry.related:
            if rid not in entries:
                col.add(
                    Path(entry.path),
                    _line_of(text, "related"),
                    f"« related » renvoie à une fiche inexistante : « {rid} »",
                )
    off_topic = _load_off_topic(root, col, phrasing_owner)
    facts, rules, rules_text, exceptions = _load_rules(root, col)
    smalltalk = _load_smalltalk(root, col)
    rules_path = root / "rules.toml"
    rule_ids = {r.id for r in rules}
    seen_rules: set[str] = set()
    search_from = 1
    for rule in rules:
        line = _line_of(rules_text, f'id = "{rule.id}"', search_from)
        search_from = line + 1
        if rule.id in seen_rules:
            col.add(rules_path, line, f"règle « {rule.id} » en double")
        seen_rules.add(rule.id)
        for sid in rule.sources:
            if sid not in sources:
                col.add(rules_path, _line_of(rules_text, sid, line), f"source inconnue « {sid} »")
        for other in rule.overrides:
            if other not in rule_ids:
                col.add(
                    rules_path,
                    line,
                    f"règle « {rule.id} » : remplace une règle inconnue « {other} »",
                )
    search_from = 1
    for rule in rules:
        line = _line_of(rules_text, f'id = "{rule.id}"', search_from)
        search_from = line + 1
        for eid in rule.entries:
            if eid not in entries:
                col.add(
                    rules_path,
                    _line_of(rules_text, f'"{eid}"', line),
                    f"règle « {rule.id} » : nomme une fiche inconnue « {eid} »",
                )
        if rule.always_answer and not rule.entries:
            col.add(
                rules_path,
                line,
                f"règle « {rule.id} » : « always_answer » demande au moins une fiche dans « entries »",
            )
    asks = _load_asks(root, col, facts, entries)
    for eid in (e for e in listed if e not in entries):
        base_text = (root / "base.toml").read_text(encoding="utf-8")
        col.add(
            root / "base.toml",
            _line_of(base_text, EMERGENCY_ENTRIES_KEY),
            f"« fiches_avec_numeros » nomme une fiche inconnue « {eid} »",
        )
    if col.problems:
        raise KnowledgeError(col.problems)
    return KnowledgeBase(
        title=title,
        checked=checked,
        entries=entries,
        sources=sources,
        synonyms=synonyms,
        facts=facts,
        exceptions=exceptions,
        rules=rules,
        directory=str(root),
        off_topic=off_topic,
        emergency=emergency,
        emergency_entries=listed,
        smalltalk=smalltalk,
        asks=asks,
    )
