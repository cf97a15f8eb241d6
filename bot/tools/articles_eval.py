"""`repere kb articles`: questions about an article by its number, and small talk.

Reads the [[article]] and [[smalltalk]] sections of `tests/data/guided_<set>.toml`:

- an article question succeeds when the reply is the article's card (status "article", the right
  number in the right code) or an answered entry that cites that article;
- a small-talk message succeeds when it gets the short reply (status "smalltalk").

`--show` lists the failures of the dev set only: the held-out set is read for its figures.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import ANSWERED, ARTICLE, SMALLTALK, Answer, Engine
from bot.engine.articles import code_of_reference, number_key, reference_numbers


@dataclass(frozen=True)
class ArticleCase:
    text: str
    article: str
    code: str


@dataclass(frozen=True)
class SmallTalkCase:
    text: str
    kind: str


@dataclass(frozen=True)
class Outcome:
    text: str
    expected: str
    got: str
    ok: bool


def load_cases(path: Path) -> tuple[list[ArticleCase], list[SmallTalkCase]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    articles = [ArticleCase(c["text"], c["article"], c["code"]) for c in data.get("article", [])]
    talk = [SmallTalkCase(c["text"], c["kind"]) for c in data.get("smalltalk", [])]
    return articles, talk


def names_article(engine: Engine, answer: Answer, case: ArticleCase) -> bool:
    """The card of that article, or an answered entry citing it."""
    want = number_key(case.article)
    if answer.status == ARTICLE and answer.article is not None:
        return any(
            number_key(a.number) == want and a.code == case.code for a in answer.article.articles
        )
    entry = engine.kb.entries.get(answer.entry_id or "")
    if answer.status != ANSWERED or entry is None:
        return False
    for sid in entry.sources:
        source = engine.kb.sources.get(sid)
        if source is None or code_of_reference(source.reference) != case.code:
            continue
        if want in {number_key(n) for n in reference_numbers(source.reference)}:
            return True
    return False


def _got(answer: Answer) -> str:
    if answer.status == ARTICLE and answer.article is not None:
        return "carte " + ", ".join(f"{a.number} {a.code}" for a in answer.article.articles)
    return f"{answer.status} {answer.entry_id or ''}".strip()


def evaluate(
    engine: Engine, articles: Sequence[ArticleCase], talk: Sequence[SmallTalkCase]
) -> tuple[list[Outcome], list[Outcome]]:
    on_articles = []
    for case in articles:
        answer = engine.answer(case.text)
        ok = names_article(engine, answer, case)
        on_articles.append(Outcome(case.text, f"{case.article} {case.code}", _got(answer), ok))
    on_talk = []
    for item in talk:
        answer = engine.answer(item.text)
        on_talk.append(Outcome(item.text, item.kind, _got(answer), answer.status == SMALLTALK))
    return on_articles, on_talk


def _share(outcomes: Sequence[Outcome]) -> str:
    good = sum(o.ok for o in outcomes)
    return f"{good / len(outcomes):.1%} ({good}/{len(outcomes)})" if outcomes else "-"


def report(
    name: str, on_articles: Sequence[Outcome], on_talk: Sequence[Outcome], show: bool
) -> str:
    lines = [
        f"Jeu « {name} »",
        f"  article par son numéro : sa carte ou une fiche qui le cite : {_share(on_articles)}",
        f"  petits mots : la réponse courte : {_share(on_talk)}",
    ]
    if show:
        for o in [*on_articles, *on_talk]:
            if not o.ok:
                lines.append(f"  ✗ « {o.text} » : attendu {o.expected}, obtenu {o.got}")
    return "\n".join(lines)
