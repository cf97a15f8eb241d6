"""rules.toml: facts, rules and their test cases, validated with file and line."""

from __future__ import annotations

from pathlib import Path

from bot.engine.kb_entries import (
    literal_pattern,
)
from bot.engine.kb_files import (
    _collapse_message,
    _Collector,
    _line_of,
    _list,
    _parse_toml,
    _read,
    _str_list,
)
from bot.engine.knowledge import (
    _ID,
    DECISIONS,
    Rule,
    RuleCase,
)
from bot.engine.normalize import collapses


def _load_rules(
    root: Path, col: _Collector
) -> tuple[dict[str, tuple[str, ...]], tuple[Rule, ...], str, dict[str, tuple[str, ...]]]:
    path = root / "rules.toml"
    text = _read(path, col)
    if text is None:
        return {}, (), "", {}
    data = _parse_toml(path, text, col)
    facts: dict[str, tuple[str, ...]] = {}
    facts_raw = data.get("facts", {})
    if not isinstance(facts_raw, dict):
        col.add(path, _line_of(text, "facts"), "« facts » doit être une section [facts]")
        facts_raw = {}
    for name, patterns in facts_raw.items():
        value = _str_list(patterns)
        if value is None or not value:
            col.add(path, _line_of(text, name), f"fait « {name} » : une liste de mots est attendue")
            continue
        for pattern in value:
            shrunk = None if literal_pattern(pattern) is not None else collapses(pattern)
            if shrunk is not None:
                col.add(
                    path,
                    _line_of(text, f'"{pattern}"'),
                    _collapse_message(pattern, shrunk)
                    + " (ou écrivez-la entre guillemets « » pour la reconnaître mot pour mot)",
                )
        facts[name] = value
    exceptions = _load_exceptions(path, text, data, facts, col)
    rules: list[Rule] = []
    search_from = 1
    for raw in data.get("rule", []):
        rid = raw.get("id", "?") if isinstance(raw, dict) else "?"
        line = _line_of(text, f'id = "{rid}"', search_from)
        search_from = line + 1
        if not isinstance(raw, dict) or not isinstance(rid, str) or not _ID.match(rid):
            col.add(path, line, "chaque [[rule]] doit avoir un « id » (minuscules et tirets)")
            continue
        when_raw = _str_list(raw.get("when"))
        if not when_raw:
            col.add(path, line, f"règle « {rid} » : « when » doit être une liste non vide de faits")
            continue
        when = tuple(tuple(part.strip() for part in group.split("|")) for group in when_raw)
        unless = _str_list(raw.get("unless", [])) or ()
        for fact in {f for group in when for f in group} | set(unless):
            if fact not in facts:
                col.add(
                    path, _line_of(text, fact, line), f"règle « {rid} » : fait inconnu « {fact} »"
                )
        # A rule may leave the decision out: it then only adds its advice and its entries (the
        # danger net, when nobody says who is harmed).
        decision = raw.get("decision")
        if decision is not None and decision not in DECISIONS:
            col.add(
                path,
                _line_of(text, "decision", line),
                f"règle « {rid} » : décision « {decision} » inconnue (attendu : {', '.join(DECISIONS)})",
            )
            decision = DECISIONS[1]
        cases: list[RuleCase] = []
        tests = raw.get("tests", {})
        if not isinstance(tests, dict):
            tests = {}
        for q in _str_list(tests.get("fires", [])) or ():
            cases.append(RuleCase(q, True, "fires"))
        for q in _str_list(tests.get("does_not_fire", [])) or ():
            cases.append(RuleCase(q, False, "does_not_fire"))
        for q in _str_list(tests.get("decides", [])) or ():
            cases.append(RuleCase(q, True, "decides"))
        for b in _list(tests.get("boundary", [])):
            if isinstance(b, dict) and isinstance(b.get("question"), str):
                cases.append(RuleCase(b["question"], bool(b.get("fires")), "boundary"))
        kinds = {c.kind for c in cases} - {"decides"}
        if kinds != {"fires", "does_not_fire", "boundary"}:
            col.add(
                path,
                line,
                f"règle « {rid} » : il faut des cas « fires », « does_not_fire » et « boundary »",
            )
        priority = raw.get("priority", 0)
        rules.append(
            Rule(
                id=rid,
                priority=priority if isinstance(priority, int) else 0,
                when=when,
                unless=unless,
                overrides=_str_list(raw.get("overrides", [])) or (),
                decision=None if decision is None else str(decision),
                escalate=bool(raw.get("escalate", False)),
                sources=_str_list(raw.get("sources", [])) or (),
                why=str(raw.get("why", "")),
                advice=str(raw.get("advice", "")),
                entries=_str_list(raw.get("entries", [])) or (),
                cases=tuple(cases),
                always_answer=bool(raw.get("always_answer", False)),
                prefer_entry=bool(raw.get("prefer_entry", False)),
            )
        )
    return facts, tuple(rules), text, exceptions


def _load_exceptions(
    path: Path,
    text: str,
    data: dict[str, object],
    facts: dict[str, tuple[str, ...]],
    col: _Collector,
) -> dict[str, tuple[str, ...]]:
    """[exceptions]: for a fact, phrases « word for word » inside which its patterns do not
    count: its word-for-word patterns there, and its other patterns when none is seen once the
    phrases are taken out (rules.py)."""
    raw = data.get("exceptions", {})
    if not isinstance(raw, dict):
        col.add(
            path, _line_of(text, "exceptions"), "« exceptions » doit être une section [exceptions]"
        )
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name, phrases in raw.items():
        line = _line_of(text, f'"{name}" =', _line_of(text, "[exceptions]"))
        value = _str_list(phrases)
        if name not in facts:
            col.add(path, line, f"exceptions : fait inconnu « {name} »")
            continue
        if not value:
            col.add(
                path, line, f"exceptions du fait « {name} » : une liste de phrases est attendue"
            )
            continue
        if not any(literal_pattern(p) is not None for p in facts[name]):
            col.add(
                path,
                line,
                f"exceptions du fait « {name} » : elles ne portent que sur les mots écrits entre « », "
                "et ce fait n'en a aucun",
            )
            continue
        plain = [p for p in value if literal_pattern(p) is None]
        if plain:
            col.add(
                path,
                line,
                f"exceptions du fait « {name} » : écrivez chaque phrase entre « » (« {plain[0]} »)",
            )
            continue
        out[name] = value
    return out
