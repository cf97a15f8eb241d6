"""Training the supervised model (supervised.py) on a base, against the matcher's shortlists.

Training is deterministic, so its result can be kept: with `ModelSettings.cache_dir`, the weights
are saved under a key made of everything the model depends on (the texts, their labels, the
settings, the code of supervised.py and of the matcher that gives the shortlists) and read back
on the next start. The texts are the base's phrasings, never a user's message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from bot.engine import matcher as matcher_module
from bot.engine import supervised
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Matcher
from bot.engine.supervised import ModelSettings, PhrasingModel

log = logging.getLogger(__name__)


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
    classes = len(kb.entries) + 1
    path = _cache_path(settings, texts, labels, classes)
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as saved:
                return PhrasingModel(texts, labels, classes, settings, state=dict(saved))
        except (OSError, ValueError, KeyError) as err:
            log.warning("cache du modèle illisible, nouvel apprentissage : %s", type(err).__name__)
    model = PhrasingModel(
        texts,
        labels,
        classes,
        settings,
        rivals=lambda i: matcher.candidates(frozenset(tokens[i])),
    )
    if path is not None:
        _save(path, model)
    return model


def _cache_path(
    settings: ModelSettings, texts: list[str], labels: list[int], classes: int
) -> Path | None:
    if settings.cache_dir is None:
        return None
    digest = hashlib.sha256()
    fixed = dataclasses.asdict(dataclasses.replace(settings, cache_dir=None))
    digest.update(json.dumps([fixed, classes, labels, texts], ensure_ascii=False).encode())
    for module in (supervised, matcher_module):
        digest.update(Path(module.__file__ or "").read_bytes())
    return settings.cache_dir / f"model-{digest.hexdigest()[:32]}.npz"


def _save(path: Path, model: PhrasingModel) -> None:
    """Written aside then renamed, mode 0600 like every file of the data directory; only the
    newest is kept. A failure only costs the next start a new training."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            # numpy's stubs read the arrays' names as its own keyword `allow_pickle`
            np.savez(fh, **model.state())  # type: ignore[arg-type]
        os.replace(tmp, path)
        for old in path.parent.glob("model-*.npz"):
            if old != path:
                old.unlink()  # a base that changed: its weights are never read again
    except OSError as err:
        log.warning("cache du modèle non écrit : %s", type(err).__name__)
