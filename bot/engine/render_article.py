"""What the article card and the small-talk reply show: template contexts (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.answer import Answer
from bot.engine.articles import CODE_NAMES, ArticleCard, ArticleIndex, display, sort_key
from bot.engine.knowledge import KnowledgeBase

SHOWN = 5


def article_context(
    kb: KnowledgeBase,
    card: ArticleCard | None,
    asked: str,
    index: ArticleIndex,
    answer: Answer | None = None,
    personal_data: tuple[str, ...] = (),
) -> dict[str, object]:
    """The card of `card`; when it is None, what was asked, the closest known articles, or the usage.

    `answer` is the engine's answer when the card answers a question (its candidates are the
    entries, numbered to be picked); None for `!article`, whose entries are only listed.
    """
    entries = [title for _, title in card.entries()] if card else []
    if answer is not None:
        entries = [c.title for c in answer.candidates]
    # A phone screen: the most specific entries, and how many more rest on the article.
    more = max(len(card.entries()) - len(entries[:SHOWN]), 0) if card else 0
    return {
        "answer": answer,
        "card": card,
        "entries": entries[:SHOWN],
        "more": more,
        "pickable": answer is not None,
        "asked": asked.strip(),
        "close": index.closest(asked) if card is None and asked.strip() else (),
        "known": known_by_code(index),
        "checked": kb.checked,
        "personal_data": list(personal_data),
    }


def known_by_code(index: ArticleIndex) -> list[tuple[str, list[str]]]:
    """Every article of the base, by code: the usage of `!article` lists them."""
    codes: dict[str, list[str]] = {}
    for articles in index.by_number.values():
        for a in articles:
            codes.setdefault(a.code, []).append(a.number)
    return [
        (CODE_NAMES[c], [display(x) for x in sorted(set(n), key=sort_key)])
        for c, n in sorted(codes.items())
    ]


def smalltalk_context(kb: KnowledgeBase, kind: str) -> Mapping[str, object]:
    return {"reply": kb.smalltalk.replies.get(kind, ""), "examples": list(kb.smalltalk.examples)}


def article_json(answer: Answer) -> dict[str, object]:
    """`ask --json`: for an article's card, its fields; for small talk, its kind; else nothing."""
    card = answer.article
    if answer.smalltalk is not None:
        return {"smalltalk": answer.smalltalk}
    if card is None:
        return {}
    return {
        "article": {
            "asked": card.asked,
            "articles": [
                {
                    "number": a.number,
                    "code": a.code,
                    "source_id": a.source.id,
                    "reference": a.source.reference,
                    "summary": a.source.summary,
                    "validity": a.source.validity,
                    "url": a.source.url,
                    "entries": [eid for eid, _ in a.entries],
                }
                for a in card.articles
            ],
        }
    }
