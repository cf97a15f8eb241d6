"""The knowledge base: FAQ entries, sources, thesaurus and rules, loaded and validated from `knowledge/`."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from bot.normalize import SynonymGroup, collapses, fold, raw_tokens, stems

SOURCE_KINDS = ("code", "loi", "avis", "communiqué", "délibération", "présentation")
DECISIONS = (
    "refuser",
    "passer par la hiérarchie",
    "partager sous conditions",
    "signaler",
    "agir immédiatement",
)
MIN_QUESTIONS = 4
MIN_PHRASING_CHARS = 3
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The subset of HTML that Matrix clients render; entry bodies must stay inside it.
ALLOWED_TAGS = frozenset({"p", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "br"})


def phrasing_key(text: str) -> str:
    """Two phrasings with the same key are the same question (case, accents, spacing aside)."""
    return " ".join(fold(text).split())


def packaged_knowledge_dir() -> Path:
    """The `knowledge/` folder shipped beside the `bot` package."""
    return Path(__file__).resolve().parent.parent / "knowledge"


@dataclass(frozen=True)
class Source:
    id: str
    label: str
    kind: str
    reference: str
    validity: str
    url: str | None = None
    seed: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    questions: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    escalate: bool
    related: tuple[str, ...]
    updated: dt.date
    body: str
    decision: str | None = None
    path: str = ""


@dataclass(frozen=True)
class RuleCase:
    question: str
    fires: bool
    kind: str  # "fires", "does_not_fire", "boundary", or "decides" (fires and gives the decision)


@dataclass(frozen=True)
class Rule:
    """A decision rule: every `when` group must hold (a group holds if any of its facts does)."""

    id: str
    priority: int
    when: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...]
    overrides: tuple[str, ...]
    decision: str | None
    escalate: bool
    sources: tuple[str, ...]
    why: str
    cases: tuple[RuleCase, ...]
    advice: str = ""
    entries: tuple[str, ...] = ()  # the entries this rule is about: they rank higher when it fires
    # A danger rule: when it fires, the reply is its first entry even if no entry matched well,
    # never « je ne sais pas ».
    always_answer: bool = False


@dataclass(frozen=True)
class KnowledgeBase:
    title: str
    checked: dt.date
    entries: Mapping[str, Entry]
    sources: Mapping[str, Source]
    synonyms: tuple[SynonymGroup, ...]
    facts: Mapping[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    directory: str
    # Questions the FAQ does not answer (hors-sujet.toml): a question close to one of them is
    # more likely off-topic too.
    off_topic: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The base is invalid; `problems` says where and why, in French."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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


def _load_base(root: Path, col: _Collector) -> tuple[str, dt.date]:
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
    return str(title), checked if isinstance(checked, dt.date) else dt.date(1970, 1, 1)


OFF_TOPIC_FILE = "hors-sujet.toml"


def _load_off_topic(
    root: Path, col: _Collector, phrasing_owner: Mapping[str, str]
) -> tuple[str, ...]:
    """The optional bank of off-topic questions; none may also be a phrasing of an entry."""
    path = root / OFF_TOPIC_FILE
    if not path.exists():
        return ()
    text = _read(path, col)
    if text is None:
        return ()
    data = _parse_toml(path, text, col)
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


def literal_pattern(pattern: str) -> str | None:
    """The inside of a fact pattern written « word for word », function words included."""
    p = pattern.strip()
    if len(p) > 2 and p[0] == "«" and p[-1] == "»":
        return p[1:-1].strip()
    return None


def _collapse_message(term: str, word: str) -> str:
    return (
        f"l'expression « {term} » se réduit au seul mot « {word} » une fois les mots vides retirés : "
        "elle s'appliquerait partout où ce mot apparaît. Ajoutez un mot plus précis ou retirez-la"
    )


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
    for key in ("id", "title", "questions", "sources", "updated"):
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
    for key in ("questions", "tags", "sources", "related"):
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
    )


def _load_rules(
    root: Path, col: _Collector
) -> tuple[dict[str, tuple[str, ...]], tuple[Rule, ...], str]:
    path = root / "rules.toml"
    text = _read(path, col)
    if text is None:
        return {}, (), ""
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
            )
        )
    return facts, tuple(rules), text


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the whole base; raise KnowledgeError listing every problem found."""
    root = Path(directory) if directory is not None else packaged_knowledge_dir()
    col = _Collector(root)
    if not root.is_dir():
        col.add(root, 1, "dossier de la base de connaissances introuvable")
        raise KnowledgeError(col.problems)
    title, checked = _load_base(root, col)
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
    facts, rules, rules_text = _load_rules(root, col)
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
    if col.problems:
        raise KnowledgeError(col.problems)
    return KnowledgeBase(
        title=title,
        checked=checked,
        entries=entries,
        sources=sources,
        synonyms=synonyms,
        facts=facts,
        rules=rules,
        directory=str(root),
        off_topic=off_topic,
    )
