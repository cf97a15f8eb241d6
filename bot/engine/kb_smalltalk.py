"""Reading and checking smalltalk.toml: phrases and replies per kind, and cases run at every load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.engine.kb_files import _Collector, _key_line, _line_of, _read_optional, _str_list
from bot.engine.knowledge import SMALLTALK_KINDS, SmallTalk
from bot.engine.smalltalk import SmallTalkMatcher, words

SMALLTALK_FILE = "smalltalk.toml"
NONE = "none"


def _load_smalltalk(root: Path, col: _Collector) -> SmallTalk:
    """The optional small-talk file; its cases must hold, or the base is refused."""
    path = root / SMALLTALK_FILE
    read = _read_optional(path, col)
    if read is None:
        return SmallTalk()
    text, data = read
    phrases: dict[str, tuple[str, ...]] = {}
    replies: dict[str, str] = {}
    owner: dict[tuple[str, ...], str] = {}
    for kind in SMALLTALK_KINDS:
        section = data.get(kind)
        line = _line_of(text, f"[{kind}]")
        if not isinstance(section, dict):
            col.add(path, 1, f"section [{kind}] manquante (avec « phrases » et « reply »)")
            continue
        listed = _str_list(section.get("phrases"))
        reply = section.get("reply")
        if not listed:
            col.add(path, line, f"[{kind}] : « phrases » doit être une liste de textes non vide")
            listed = ()
        if not isinstance(reply, str) or not reply.strip():
            col.add(path, line, f"[{kind}] : « reply » (la réponse, en une ou deux phrases) manque")
            reply = ""
        for phrase in listed:
            key = words(phrase)
            if not key:
                col.add(path, _line_of(text, f'"{phrase}"', line), f"[{kind}] : phrase vide")
            elif key in owner:
                col.add(
                    path,
                    _line_of(text, f'"{phrase}"', line),
                    f"[{kind}] : « {phrase} » est déjà une phrase de [{owner[key]}]",
                )
            owner[key] = kind
        phrases[kind], replies[kind] = listed, reply
    filler = _str_list(data.get("filler", [])) or ()
    examples = _str_list(data.get("examples"))
    if examples is None or len(examples) != 2:
        col.add(path, _key_line(text, "examples"), "« examples » : deux exemples de questions")
        examples = ()
    found = SmallTalk(phrases, replies, filler, examples)
    _check_cases(path, text, data.get("case", []), found, col)
    return found


def _check_cases(path: Path, text: str, cases: Any, data: SmallTalk, col: _Collector) -> None:
    matcher = SmallTalkMatcher(data)
    if not isinstance(cases, list) or not cases:
        col.add(
            path,
            1,
            "aucun cas [[case]] : ajoutez des messages qui sont et ne sont pas des petits mots",
        )
        return
    kinds = {NONE, *SMALLTALK_KINDS}
    # Each case's [[case]] header, the comments (which may name it) aside.
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[case]]"]
    for number, case in enumerate(cases):
        line = lines[number] if number < len(lines) else 1
        message, expected = (
            (case.get("text"), case.get("kind")) if isinstance(case, dict) else (None, None)
        )
        if not isinstance(message, str) or expected not in kinds:
            col.add(
                path, line, f"chaque [[case]] a « text » et « kind » ({', '.join(sorted(kinds))})"
            )
            continue
        got = matcher.kind(message) or NONE
        if got != expected:
            col.add(path, line, f"cas « {message} » : attendu « {expected} », obtenu « {got} »")
