"""Entries: Markdown files with TOML front matter, their body checked against what Matrix renders."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from markdown_it import MarkdownIt

from bot.engine.kb_files import (
    _Collector,
    _key_line,
    _line_of,
    _parse_toml,
    _read,
    _str_list,
)
from bot.engine.knowledge import (
    _ID,
    BRIEF_MAX_CHARS,
    DECISIONS,
    FIRST_STEP_MAX_CHARS,
    KEY_POINT_MAX_CHARS,
    MAX_FIRST_STEPS,
    MAX_KEY_POINTS,
    MIN_PHRASING_CHARS,
    MIN_QUESTIONS,
    Entry,
)
from bot.engine.layout import markdown_to_text, shown_chars, split_body


def literal_pattern(pattern: str) -> str | None:
    """The inside of a fact pattern written « word for word », function words included."""
    p = pattern.strip()
    if len(p) > 2 and p[0] == "«" and p[-1] == "»":
        return p[1:-1].strip()
    return None


def _split_front_matter(path: Path, text: str, col: _Collector) -> tuple[str, str, int] | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        col.add(path, 1, "la fiche doit commencer par une ligne « +++ » (en-tête TOML)")
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            rest = lines[i + 1 :]
            blank = next((n for n, line in enumerate(rest) if line.strip()), 0)
            # body_line is the line just before the body's first line, as _check_body expects.
            return "\n".join(lines[1:i]), "\n".join(rest[blank:]).rstrip(), i + 1 + blank
    col.add(path, 1, "en-tête non refermé : il manque la seconde ligne « +++ »")
    return None


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
        ["heading", "lheading", "image", "hr", "html_block", "html_inline", "fence", "code"]
    )


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b")


def markdown_to_html(body: str) -> str:
    """Entry Markdown to the Matrix-safe HTML subset."""
    return _md().render(body).strip()


def _check_body(path: Path, body: str, body_line: int, col: _Collector) -> None:
    if not body:
        col.add(path, body_line, "le corps de la fiche (la réponse) est vide")
        return
    for lineno, line in enumerate(body.splitlines(), start=body_line + 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            col.add(
                path,
                lineno,
                "les titres Markdown (#) ne sont pas affichés par Matrix : utilisez **gras**",
            )
        elif stripped.startswith("|") and stripped.rstrip().endswith("|"):
            col.add(path, lineno, "les tableaux ne sont pas autorisés : utilisez une liste")
        elif "<" in stripped and _TAG.search(stripped):
            col.add(path, lineno, "le HTML brut n'est pas autorisé : utilisez le Markdown")
        elif "![" in stripped:
            col.add(path, lineno, "les images ne sont pas autorisées")
        for url in re.findall(r"\]\(([^)\s]+)", stripped):
            if not url.startswith("https://"):
                col.add(path, lineno, f"lien non https refusé : {url}")


def _load_entry(path: Path, col: _Collector) -> Entry | None:
    text = _read(path, col)
    if text is None:
        return None
    split = _split_front_matter(path, text, col)
    if split is None:
        return None
    front, body, body_line = split
    before = len(col.problems)
    data = _parse_toml(path, front, col, line_offset=1)
    if len(col.problems) > before:
        return None

    def line(key: str) -> int:
        return _key_line(text, key)

    ok = True
    for key in ("id", "title", "questions", "sources", "updated", "key_points", "first_steps"):
        if key not in data:
            col.add(path, 2, f"champ obligatoire manquant : « {key} »")
            ok = False
    if not ok:
        return None
    eid = data["id"]
    if not isinstance(eid, str) or not _ID.match(eid):
        col.add(path, line("id"), "« id » : minuscules, chiffres et tirets uniquement")
        return None
    if eid != path.stem:
        col.add(
            path,
            line("id"),
            f"l'id « {eid} » doit être identique au nom du fichier « {path.stem} »",
        )
    fields: dict[str, tuple[str, ...]] = {}
    for key in ("questions", "tags", "sources", "related", "key_points", "first_steps"):
        value = _str_list(data.get(key, []))
        if value is None:
            col.add(path, line(key), f"« {key} » doit être une liste de textes entre guillemets")
            value = ()
        fields[key] = value
    if len(fields["questions"]) < MIN_QUESTIONS:
        col.add(
            path,
            line("questions"),
            f"il faut au moins {MIN_QUESTIONS} formulations dans « questions » "
            f"({len(fields['questions'])} trouvée(s))",
        )
    for q in fields["questions"]:
        if len(q.strip()) < MIN_PHRASING_CHARS:
            col.add(
                path,
                _line_of(text, f'"{q}"') if q else line("questions"),
                f"formulation vide ou trop courte (au moins {MIN_PHRASING_CHARS} caractères)",
            )
    if not fields["sources"]:
        col.add(path, line("sources"), "une fiche doit citer au moins une source")
    escalate = data.get("escalate", False)
    if not isinstance(escalate, bool):
        col.add(path, line("escalate"), "« escalate » doit valoir true ou false")
        escalate = False
    updated = data["updated"]
    if not isinstance(updated, dt.date):
        col.add(path, line("updated"), "« updated » doit être une date AAAA-MM-JJ, sans guillemets")
        updated = dt.date(1970, 1, 1)
    decision = data.get("decision")
    if decision is not None and decision not in DECISIONS:
        col.add(path, line("decision"), f"« decision » inconnue (attendu : {', '.join(DECISIONS)})")
        decision = None
    title = data["title"]
    if not isinstance(title, str) or not title.strip():
        col.add(path, line("title"), "« title » doit être un texte non vide")
        title = eid
    _check_body(path, body, body_line, col)
    _check_brief(path, text, body, fields, col)
    return Entry(
        id=eid,
        title=title,
        questions=fields["questions"],
        tags=fields["tags"],
        sources=fields["sources"],
        escalate=escalate,
        related=fields["related"],
        updated=updated,
        body=body,
        decision=decision,
        path=str(path),
        key_points=fields["key_points"],
        first_steps=fields["first_steps"],
    )


def _check_brief(
    path: Path, text: str, body: str, fields: dict[str, tuple[str, ...]], col: _Collector
) -> None:
    """The short forms of the first message: few, short, one line each, and short together."""
    limits = {
        "key_points": (MAX_KEY_POINTS, KEY_POINT_MAX_CHARS, "points clés"),
        "first_steps": (MAX_FIRST_STEPS, FIRST_STEP_MAX_CHARS, "étapes"),
    }
    for key, (most, longest, what) in limits.items():
        items = fields[key]
        if not 1 <= len(items) <= most:
            col.add(
                path,
                _key_line(text, key),
                f"« {key} » : de 1 à {most} {what} pour le premier message "
                f"({len(items)} trouvé(s))",
            )
        for item in items:
            size = shown_chars(markdown_to_text(item))
            where = _line_of(text, f'"{item}"') if item else _key_line(text, key)
            if not item.strip() or "\n" in item:
                col.add(path, where, f"« {key} » : chaque élément tient sur une ligne non vide")
            elif size > longest:
                col.add(
                    path,
                    where,
                    f"« {key} » : élément trop long pour un téléphone ({size} caractères, "
                    f"au plus {longest}) : raccourcissez-le, le détail reste dans le corps",
                )
    direct = split_body(body).direct
    total = sum(
        shown_chars(markdown_to_text(t))
        for t in (direct, *fields["key_points"], *fields["first_steps"])
    )
    if total > BRIEF_MAX_CHARS:
        col.add(
            path,
            _key_line(text, "key_points"),
            f"premier message trop long pour un téléphone : réponse directe, « key_points » et "
            f"« first_steps » font {total} caractères affichés (au plus {BRIEF_MAX_CHARS})",
        )
