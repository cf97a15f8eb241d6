"""Shared fixtures: the real knowledge base, the real spaCy model, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer import Engine, NoScanner
from bot.engine.knowledge import KnowledgeBase
from bot.engine.lexicon import Lexicon, load_lexicon
from bot.engine.loading import load_knowledge
from bot.engine.privacy import PrivacyScanner
from bot.engine.render import Renderer
from bot.tools.evaluation import Labelled, load_set

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def scanner(lexicon: Lexicon) -> PrivacyScanner:
    return PrivacyScanner(lexicon=lexicon)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase, scanner: PrivacyScanner, lexicon: Lexicon) -> Engine:
    return Engine(kb, scanner, lexicon=lexicon)


@pytest.fixture(scope="session")
def plain_engine(kb: KnowledgeBase, lexicon: Lexicon) -> Engine:
    """The engine without personal-data detection, for matching-only tests."""
    return Engine(kb, NoScanner(), lexicon=lexicon)


@pytest.fixture(scope="session")
def renderer(kb: KnowledgeBase) -> Renderer:
    return Renderer(kb)


@pytest.fixture(scope="session")
def devset() -> list[Labelled]:
    return load_set(DATA / "devset.toml")


@pytest.fixture(scope="session")
def heldout() -> list[Labelled]:
    return load_set(DATA / "heldout.toml")
