"""The light French NER loader (bot/engine/spacy_light.py) against spaCy's standard load."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
import spacy

from bot.engine import spacy_light
from bot.engine.privacy_patterns import SPACY_EXCLUDE, SPACY_MODEL
from bot.tools.evaluation import DATA_DIR


def _texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for line in (DATA_DIR / "privacy_corpus.jsonl").read_text().splitlines()
        if line.strip()
    ]
    for name in ("safety_dev11.toml", "guided_dev9.toml", "devset.toml"):
        data = tomllib.loads((DATA_DIR / name).read_text())
        for section in data.values():
            if isinstance(section, list):
                texts += [c["text"] for c in section if isinstance(c, dict) and "text" in c]
    # hyphens and elisions: what the token-match pattern decides
    texts += [
        "c'est-à-dire aujourd'hui, peut-être Jean-Pierre au 226-13, l'anti-inflammatoire",
        "entr'ouvert, grand'mère, prud'homme, ch'tiis, rendez-vous à Saint-Étienne-du-Rouvray",
    ]
    return texts


@pytest.fixture(scope="module")
def pipelines() -> tuple[spacy.language.Language, spacy.language.Language]:
    light = spacy_light.load_ner(SPACY_MODEL, SPACY_EXCLUDE)
    standard = spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)
    return light, standard


def test_light_load_gives_the_same_tokens_and_entities(pipelines):
    light, standard = pipelines
    assert light.lang == spacy_light.LANG and standard.lang == "fr"
    texts = _texts()
    assert len(texts) > 3000
    for a, b in zip(light.pipe(texts), standard.pipe(texts), strict=True):
        assert [(t.text, t.idx) for t in a] == [(t.text, t.idx) for t in b], a.text
        assert [(e.text, e.label_, e.start_char) for e in a.ents] == [
            (e.text, e.label_, e.start_char) for e in b.ents
        ], a.text


def test_stop_words_are_spacys():
    from spacy.lang.fr.stop_words import STOP_WORDS

    assert spacy_light.french_stop_words() == frozenset(STOP_WORDS)


def test_the_scanner_never_imports_spacys_french_module():
    """Importing `spacy.lang.fr` is what compiles the 1.4 MB pattern: a fresh process that loads
    the scanner and the command line must not import it."""
    code = (
        "import sys, bot.cli\n"
        "from bot.engine.privacy import PrivacyScanner\n"
        "PrivacyScanner().scan('Madame Lefebvre habite à Rennes')\n"
        "print('spacy.lang.fr' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_unexpected_model_falls_back_to_the_standard_load(monkeypatch):
    def broken(model, exclude):
        raise KeyError("token_match")

    monkeypatch.setattr(spacy_light, "_load_light", broken)
    nlp = spacy_light.load_ner(SPACY_MODEL, SPACY_EXCLUDE)
    assert nlp.lang == "fr" and nlp.pipe_names == ["ner"]
