"""The French NER pipeline without compiling spaCy's 1.4 MB French token-match pattern at start.

Loading `fr_core_news_sm` spends about 2.7 s compiling one regular expression: the French
tokenizer's `token_match`, an alternation of some 600 hyphenated and elided words in which each
alternative spells out spaCy's whole Unicode letter class (`repere bench`, 3 December 2026:
startup 4.7 s, of which this was over half). Importing `spacy.lang.fr` compiles it too, at import.

So the model is loaded under a plain `Language` subclass (registered as `fr_repere`, nothing
French imported), its tokenizer read from the model's own files, and the token-match pattern
compiled with `\\w` in place of the letter class: the same alternatives, 9 kB instead of 1.4 MB,
0.07 s to compile. Checked token by token and entity by entity against the standard load on every
text of `tests/data` (7,026 texts: identical; `tests/test_spacy_light.py` keeps a sample).
Anything unexpected in the model's files falls back to the standard load.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path

import spacy
import srsly
from spacy.lang.char_classes import ALPHA, ALPHA_LOWER
from spacy.language import BaseDefaults, Language
from spacy.tokenizer import Tokenizer

LANG = "fr_repere"


class _Defaults(BaseDefaults):
    """Nothing French: the tokenizer's rules all come from the model's files."""


class _LightFrench(Language):
    lang = LANG
    Defaults = _Defaults


def light_token_match(pattern: str) -> str:
    """The French token-match pattern with `\\w` for spaCy's letter classes (the flag `(?iu)`
    of the pattern makes lower and upper case the same)."""
    return pattern.replace(ALPHA_LOWER, r"\w").replace(ALPHA, r"\w")


def load_ner(model: str, exclude: Sequence[str]) -> Language:
    """`spacy.load(model, exclude=exclude)`, without the slow pattern when the model allows it."""
    try:
        return _load_light(model, exclude)
    except (KeyError, OSError, ValueError, TypeError):
        return spacy.load(model, exclude=list(exclude))


def _load_light(model: str, exclude: Sequence[str]) -> Language:
    if LANG not in spacy.registry.languages:
        spacy.registry.languages.register(LANG, func=_LightFrench)
    nlp = spacy.load(model, exclude=[*exclude, "tokenizer"], config={"nlp": {"lang": LANG}})
    if nlp.path is None:
        raise OSError("model path unknown")
    data = (Path(nlp.path) / "tokenizer").read_bytes()
    pattern = srsly.msgpack_loads(data)["token_match"]
    if not isinstance(pattern, str):
        raise TypeError("token_match is not a pattern")
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError("not spaCy's rule-based tokenizer")
    tokenizer.from_bytes(data, exclude=["vocab", "token_match"])
    tokenizer.token_match = re.compile(light_token_match(pattern)).match
    return nlp


def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words, read from their file: importing `spacy.lang.fr.stop_words`
    would import `spacy.lang.fr`, and with it the slow pattern above."""
    path = Path(spacy.__file__).parent / "lang" / "fr" / "stop_words.py"
    spec = importlib.util.spec_from_file_location("_repere_fr_stop_words", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"spaCy's French stop words not found at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)
