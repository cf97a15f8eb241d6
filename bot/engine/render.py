"""Answers to text and Matrix-safe HTML through the Jinja2 templates in `prompts/`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2

from bot.engine.answer import ANSWERED, ARTICLE, CLARIFY, SMALLTALK, Answer
from bot.engine.articles import ArticleIndex
from bot.engine.kb_entries import markdown_to_html
from bot.engine.knowledge import ALLOWED_TAGS, KnowledgeBase
from bot.engine.render_article import article_context, smalltalk_context

PERSONAL_DATA_LABELS = {
    "name": "nom",
    "phone": "numéro de téléphone",
    "email": "adresse e-mail",
    "address": "adresse postale",
    "nir": "numéro de sécurité sociale",
    "birthdate": "date de naissance",
    "iban": "coordonnées bancaires",
}


def packaged_prompts_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Reply:
    text: str
    html: str


@dataclass(frozen=True)
class Guidance:
    """A supervisor's local guidance shown under an answer."""

    number: int
    text: str
    posted: str  # JJ/MM/AAAA


class _Sanitizer(HTMLParser):
    """Keeps only the tags Matrix allows, and only https links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith("https://"):
                self.out.append("<a>")
                return
            self.out.append(f'<a href="{html.escape(href, quote=True)}">')
        elif tag == "br":
            self.out.append("<br/>")
        else:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ALLOWED_TAGS and tag != "br":
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def sanitize_html(fragment: str) -> str:
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


_MD_LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(body: str) -> str:
    """A readable plain-text form of an entry's Markdown."""
    text = _MD_LINK.sub(r"\1 (\2)", body)
    text = _MD_EMPH.sub(r"\2", text)
    return text.replace("`", "")


def _date_fr(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)


class Renderer:
    """Pre-renders every entry once; `render` only fills templates."""

    def __init__(self, kb: KnowledgeBase, prompts_dir: Path | None = None) -> None:
        self.kb = kb
        loader = jinja2.FileSystemLoader(str(prompts_dir or packaged_prompts_dir()))
        self.html_env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        # The plain-text body is never parsed as HTML, so escaping it would only show "&amp;".
        self.text_env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        for env in (self.html_env, self.text_env):
            env.filters["date_fr"] = _date_fr
        self.entry_html = {
            eid: sanitize_html(markdown_to_html(e.body)) for eid, e in kb.entries.items()
        }
        self.entry_text = {eid: markdown_to_text(e.body) for eid, e in kb.entries.items()}
        self.articles = ArticleIndex(kb.sources, kb.entries)

    def _context(self, answer: Answer, guidance: Sequence[Guidance]) -> dict[str, object]:
        entry = self.kb.entries.get(answer.entry_id) if answer.entry_id else None
        related = []
        if entry is not None and answer.status == ANSWERED:
            related = [self.kb.entries[r] for r in entry.related if r in self.kb.entries]
        return {
            "answer": answer,
            "entry": entry if answer.status == ANSWERED else None,
            "entry_html": self.entry_html.get(entry.id, "") if entry else "",
            "entry_text": self.entry_text.get(entry.id, "") if entry else "",
            "related": related,
            "sources": answer.sources,
            "checked": self.kb.checked,
            "personal_data": [PERSONAL_DATA_LABELS.get(k, k) for k in answer.personal_data],
            "guidance": list(guidance),
        }

    def render(self, answer: Answer, guidance: Sequence[Guidance] = ()) -> Reply:
        if answer.status == SMALLTALK:
            return self._both("smalltalk", smalltalk_context(self.kb, answer.smalltalk or ""))
        if answer.status == ARTICLE:
            data = [PERSONAL_DATA_LABELS.get(k, k) for k in answer.personal_data]
            ctx = article_context(self.kb, answer.article, "", self.articles, answer, tuple(data))
            return self._both("article", ctx)
        name = {ANSWERED: "answer", CLARIFY: "clarify"}.get(answer.status, "no_match")
        return self._both(name, self._context(answer, guidance))

    def render_sources(self, entry_id: str) -> Reply:
        """`!sources <fiche>`: the texts an entry cites, or the closest ids when unknown."""
        from rapidfuzz import process

        entry = self.kb.entries.get(entry_id.strip().lower())
        close: list[str] = []
        if entry is None and entry_id.strip():
            close = [m[0] for m in process.extract(entry_id, list(self.kb.entries), limit=3)]
        ctx = {
            "entry": entry,
            "asked": entry_id.strip(),
            "close": close,
            "sources": [self.kb.sources[s] for s in entry.sources] if entry else [],
            "checked": self.kb.checked,
        }
        return self._both("sources", ctx)

    def render_article(self, argument: str) -> Reply:
        """`!article 226-13`: the card; unknown: the closest known; empty: how to use it."""
        card = self.articles.lookup(argument) if argument.strip() else None
        return self._both("article", article_context(self.kb, card, argument, self.articles))

    def render_trace(self, trace: Sequence[str] | None) -> Reply:
        """`!pourquoi`: how the last answer here was chosen (facts, rules, scores; no user text)."""
        return self._both("trace", {"trace": list(trace or ())})

    def _both(self, name: str, ctx: Mapping[str, object]) -> Reply:
        text = self.text_env.get_template(f"{name}.txt.j2").render(ctx)
        body_html = self.html_env.get_template(f"{name}.html.j2").render(ctx)
        return Reply(_tidy(text), sanitize_html(body_html).strip())

    def render_help(self) -> Reply:
        return self._both("help", {"checked": self.kb.checked, "count": len(self.kb.entries)})


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
