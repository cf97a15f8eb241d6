"""Training the supervised model (supervised.py) on a base, against the matcher's shortlists."""

from __future__ import annotations

from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Matcher
from bot.engine.supervised import ModelSettings, PhrasingModel


def train_model(
    kb: KnowledgeBase,
    analysed: dict[str, list[tuple[list[str], list[str]]]],
    off_topic: list[list[str]],
    matcher: Matcher,
    settings: ModelSettings,
) -> PhrasingModel | None:
    """The supervised model, trained on the titles and phrasings (one class per entry) and the
    off-topic bank (the last class); on a large base, against each text's shortlist.

    `analysed` holds each entry's normalised texts in `_entry_texts` order (title, phrasings
    first), `off_topic` the bank's tokens.
    """
    if not settings.enabled or not kb.entries or len(kb.entries) > settings.max_entries:
        return None
    texts: list[str] = []
    labels: list[int] = []
    tokens: list[list[str]] = []
    for c, (eid, entry) in enumerate(kb.entries.items()):
        own = (entry.title, *entry.questions)
        texts.extend(own)
        labels.extend(c for _ in own)
        tokens.extend(t for t, _ in analysed[eid][: len(own)])
    texts.extend(kb.off_topic)
    labels.extend(len(kb.entries) for _ in kb.off_topic)
    tokens.extend(off_topic)
    return PhrasingModel(
        texts,
        labels,
        len(kb.entries) + 1,
        settings,
        rivals=lambda i: matcher.candidates(frozenset(tokens[i])),
    )
