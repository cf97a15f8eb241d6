"""Answers to text and Matrix-safe HTML through the Jinja2 templates in `prompts/`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from bot.engine.answer import ANSWERED, ARTICLE, CLARIFY, NO_MATCH, SMALLTALK, Answer
from bot.engine.articles import ArticleIndex
from bot.engine.kb_entries import markdown_to_html
from bot.engine.knowledge import Entry, KnowledgeBase, Source
from bot.engine.layout import (
    BRIEF_STEPS_HEADING,
    KEY_POINTS_HEADING,
    STEPS_HEADING,
    WordSets,
    content_words,
    covered_by,
    markdown_to_text,
    split_body,
)
from bot.engine.render_article import article_context, smalltalk_context
from bot.engine.safety_net import has_numbers
from bot.engine.sanitize import sanitize_html

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


__all__ = ["Guidance", "Renderer", "Reply", "markdown_to_text", "sanitize_html"]


def brief_markdown(entry: Entry, steps: Sequence[str] | None = None) -> str:
    """The first message's body: the direct answer, the short key points, the short steps
    (`steps`: those left once the rules' advice is shown; none left, no heading).

    An entry built in code without short forms (the synthetic benchmark base) shows its body.
    """
    if not entry.key_points or not entry.first_steps:
        return entry.body
    shown = entry.first_steps if steps is None else steps
    points = "\n".join(f"- {p}" for p in entry.key_points)
    brief = f"{split_body(entry.body).direct}\n\n{KEY_POINTS_HEADING}\n\n{points}"
    if not shown:
        return brief
    numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(shown, start=1))
    return f"{brief}\n\n{BRIEF_STEPS_HEADING}\n\n{numbered}"


def steps_beside(
    entry: Entry,
    advice: Sequence[str] = (),
    words_of: Callable[[str], frozenset[str]] = content_words,
) -> tuple[str, ...]:
    """The entry's short steps that its direct answer and the rules' advice, shown in the same
    message, do not already say: the others wait for `!plus` (every step is in the body)."""
    said = (split_body(entry.body).direct, *advice)
    return tuple(s for s in entry.first_steps if not covered_by(s, said, words_of))


def more_markdown(entry: Entry) -> str:
    """What `!plus` adds: every key point and every step, as the body writes them."""
    parts = split_body(entry.body)
    return f"{KEY_POINTS_HEADING}\n\n{parts.key_points}\n\n{STEPS_HEADING}\n\n{parts.steps}"


# The first messages without some steps, by (entry, steps kept): a few per entry at most.
_BRIEF_CACHE = 512
HIERARCHY_OPENING = "**Ne répondez pas seul·e :**"
_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")
_ARTICLE = re.compile(r"^(?P<code>[^,]+), art\. (?P<number>.+)$")


# The first message names the longer codes by the abbreviation the field uses.
CODE_ABBREVIATIONS = {
    "Code de procédure pénale": "CPP",
    "Code de la sécurité intérieure": "CSI",
    "Code de la santé publique": "CSP",
}


def short_label(source: Source) -> str:
    """The label on the first message's source line: the source's `short` form if it has one,
    else the label without its trailing explanation ("Code pénal, art. 226-13"). The first
    message is read on a phone; `!plus` and `!sources` give the full label."""
    if source.short:
        return source.short
    return _PARENTHESIS.sub("", source.label) or source.label


@dataclass(frozen=True)
class SourceGroup:
    """Sources cited on one line: a code once, then its article numbers, each with its link."""

    head: str
    items: tuple[tuple[str, str | None], ...]  # (label or article number, url)


def source_groups(sources: Sequence[Source]) -> list[SourceGroup]:
    """Articles of the same code share one head, in the order the entry cites them."""
    heads: dict[str, list[tuple[str, str | None]]] = {}
    for source in sources:
        label = short_label(source)
        m = _ARTICLE.match(label) if source.kind == "code" else None
        if m:
            code = CODE_ABBREVIATIONS.get(m.group("code"), m.group("code"))
            heads.setdefault(f"{code}, art.", []).append((m.group("number"), source.url))
        else:
            # A document's label is its own link; the key keeps two documents apart.
            heads.setdefault(f"\0{label}", []).append((label, source.url))
    return [
        SourceGroup("" if head.startswith("\0") else head, tuple(items))
        for head, items in heads.items()
    ]


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
            # The templates are read once: checking their files on every answer cost a tenth of
            # rendering one; a new Renderer (a reload) reads them again.
            auto_reload=False,
        )
        # The plain-text body is never parsed as HTML, so escaping it would only show "&amp;".
        self.text_env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,
        )
        for env in (self.html_env, self.text_env):
            env.filters["date_fr"] = _date_fr
            env.filters["short_label"] = short_label
        entries = kb.entries.items()
        self._words = WordSets()
        self.entry_steps = {eid: steps_beside(e) for eid, e in entries}
        briefs = {eid: brief_markdown(e, self.entry_steps[eid]) for eid, e in entries}
        self.entry_html = {eid: _html(b) for eid, b in briefs.items()}
        self.entry_text = {eid: markdown_to_text(b) for eid, b in briefs.items()}
        self.more_html = {eid: _html(more_markdown(e)) for eid, e in entries}
        self.more_text = {eid: markdown_to_text(more_markdown(e)) for eid, e in entries}
        self._briefs: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
        self.rules = {r.id: r for r in kb.rules}
        self.articles = ArticleIndex(kb.sources, kb.entries)

    def _brief(self, entry: Entry | None, advice: Sequence[str]) -> dict[str, str]:
        """The entry's first-message body, without the steps already said in the message."""
        if entry is None:
            return {"entry_html": "", "entry_text": ""}
        steps = steps_beside(entry, advice, self._words)
        if steps == self.entry_steps[entry.id]:
            return {
                "entry_html": self.entry_html[entry.id],
                "entry_text": self.entry_text[entry.id],
            }
        key = (entry.id, steps)
        if key not in self._briefs:
            if len(self._briefs) >= _BRIEF_CACHE:
                self._briefs.clear()
            brief = brief_markdown(entry, steps)
            self._briefs[key] = (_html(brief), markdown_to_text(brief))
        body_html, body_text = self._briefs[key]
        return {"entry_html": body_html, "entry_text": body_text}

    def _context(self, answer: Answer, guidance: Sequence[Guidance]) -> dict[str, object]:
        entry = self.kb.entries.get(answer.entry_id) if answer.entry_id else None
        return {
            "answer": answer,
            "entry": entry if answer.status == ANSWERED else None,
            # An escalating entry opens with the same advice as the police banner: say it once.
            "hierarchy_in_entry": answer.status == ANSWERED
            and entry is not None
            and entry.body.startswith(HIERARCHY_OPENING),
            **self._brief(entry, answer.advice),
            "sources": answer.sources,
            "source_groups": source_groups(answer.sources),
            "checked": self.kb.checked,
            "personal_data": [PERSONAL_DATA_LABELS.get(k, k) for k in answer.personal_data],
            "guidance": list(guidance),
            # A danger told in words the base does not know still meets the emergency numbers.
            "emergency": self.kb.emergency
            if answer.status == NO_MATCH and not has_numbers(answer.advice)
            else "",
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

    def render_more(self, entry_id: str | None, rules: Sequence[str] = ()) -> Reply:
        """`!plus`: the rest of the last answer (every key point and step, related entries, the
        rules that fired, every source in full); a short notice when nothing was answered."""
        entry = self.kb.entries.get(entry_id or "")
        ctx = {
            "entry": entry,
            "more_html": self.more_html.get(entry.id, "") if entry else "",
            "more_text": self.more_text.get(entry.id, "") if entry else "",
            "related": [self.kb.entries[r] for r in entry.related if r in self.kb.entries]
            if entry
            else [],
            "rules": [self.rules[r] for r in rules if r in self.rules],
            "sources": [self.kb.sources[s] for s in entry.sources if s in self.kb.sources]
            if entry
            else [],
            "checked": self.kb.checked,
        }
        return self._both("more", ctx)

    def render_trace(self, trace: Sequence[str] | None) -> Reply:
        """`!pourquoi`: how the last answer here was chosen (facts, rules, scores; no user text)."""
        return self._both("trace", {"trace": list(trace or ())})

    def _both(self, name: str, ctx: Mapping[str, object]) -> Reply:
        text = self.text_env.get_template(f"{name}.txt.j2").render(ctx)
        body_html = self.html_env.get_template(f"{name}.html.j2").render(ctx)
        return Reply(_tidy(text), sanitize_html(body_html).strip())

    def render_help(self) -> Reply:
        return self._both("help", {"checked": self.kb.checked, "count": len(self.kb.entries)})


def _html(markdown: str) -> str:
    return sanitize_html(markdown_to_html(markdown))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
