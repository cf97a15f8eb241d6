"""The supervised model learned from the phrasings (bot/engine/supervised.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.engine.answer import Engine, EngineSettings, NoScanner
from bot.engine.knowledge import KnowledgeBase
from bot.engine.overlap import OverlapIndex
from bot.engine.supervised import ModelSettings, PhrasingModel, ngrams

TEXTS = [
    "l'OPJ me demande l'adresse d'un usager",
    "un policier veut l'adresse de la famille",
    "la gendarmerie réclame le dossier",
    "que puis-je dire en CLSPD ?",
    "parler d'une famille que je suis en CLSPD",
    "le maire demande la liste des familles suivies en CLSPD",
    "quelle est la météo demain",
    "recette de la tarte aux pommes",
]
LABELS = [0, 0, 0, 1, 1, 1, 2, 2]  # 0 requisition, 1 CLSPD, 2 off-topic (the last class)


def _model(**settings: object) -> PhrasingModel:
    return PhrasingModel(TEXTS, LABELS, 3, replace(ModelSettings(), **settings))


def _best(model: PhrasingModel, text: str) -> int:
    p = model.probabilities(text, [0, 1, 2])
    return max(p, key=lambda c: p[c])


def test_ngrams_are_words_bigrams_and_padded_characters():
    word_grams, char_grams = ngrams("Réquisition OPJ")
    assert word_grams == ["requisition", "opj", "requisition opj"]
    assert " o" in char_grams and "opj " in char_grams and " opj " in char_grams
    assert all(2 <= len(g) <= 5 for g in char_grams)


def test_same_texts_same_weights():
    a, b = _model(), _model()
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.bias, b.bias)
    assert a.probabilities("l'OPJ veut une adresse", [0, 1]) == b.probabilities(
        "l'OPJ veut une adresse", [0, 1]
    )


def test_a_police_request_ranks_the_requisition_first():
    model = _model()
    assert _best(model, "un gendarme me demande l'adresse de la dame") == 0
    assert _best(model, "en CLSPD, puis-je parler d'une famille que je suis ?") == 1


def test_an_off_topic_question_is_not_ranked_to_an_entry():
    model = _model()
    assert _best(model, "la météo pour la tarte aux pommes") == 2
    p = model.probabilities("la recette de la tarte", [0, 1, 2])
    assert p[2] > 0.5


def test_probabilities_sum_to_one_and_unknown_words_change_nothing():
    model = _model()
    p = model.probabilities("7777 9999", [0, 1, 2])
    assert abs(sum(p.values()) - 1.0) < 1e-6
    assert p == model.probabilities("", [0, 1, 2])


def test_hashed_weights_rank_like_exact_ones():
    hashed = _model(slots=1 << 10)
    assert not hashed.exact
    assert _best(hashed, "un gendarme me demande l'adresse de la dame") == 0


def test_large_base_trains_against_the_shortlist_only():
    seen: list[int] = []

    def rivals(i: int) -> list[int]:
        seen.append(i)
        return [LABELS[i]]

    model = PhrasingModel(TEXTS, LABELS, 3, replace(ModelSettings(), full_softmax=2), rivals)
    assert sorted(set(seen)) == list(range(len(TEXTS)))
    assert set(model.probabilities("l'OPJ", [0])) == {0, 2}


def test_overlap_index_gives_each_group_its_best_phrasing():
    idf = {"opj": 2.0, "adress": 1.0, "clspd": 3.0}
    index = OverlapIndex(
        [[frozenset({"opj", "adress"}), frozenset({"opj"})], [], [frozenset({"clspd"})]], idf, 4.0
    )
    q = frozenset({"opj"})
    best = index.best(q, {"opj": 2.0}, 2.0)
    assert best[0] == 1.0 and best[1] == 0.0 and best[2] == 0.0


def test_engine_without_the_model_still_ranks(kb: KnowledgeBase, lexicon):
    settings = replace(EngineSettings(), model=ModelSettings(enabled=False))
    engine = Engine(kb, NoScanner(), settings, lexicon)
    assert engine.matcher.model is None
    assert engine.answer("l'OPJ me demande l'adresse d'un usager").entry_id == "requisition-opj"


def test_saved_weights_answer_like_fresh_ones(kb: KnowledgeBase, lexicon, tmp_path):
    """The model cache (training.py): a second start reads the weights, and ranks the same."""
    settings = EngineSettings(model=replace(ModelSettings(), cache_dir=tmp_path / "cache"))
    fresh = Engine(kb, NoScanner(), settings, lexicon)
    saved = sorted((tmp_path / "cache").iterdir())
    assert len(saved) == 1 and saved[0].stat().st_mode & 0o777 == 0o600
    again = Engine(kb, NoScanner(), settings, lexicon)
    assert fresh.matcher.model is not None and again.matcher.model is not None
    np.testing.assert_array_equal(fresh.matcher.model.weights, again.matcher.model.weights)
    for q in ("l'OPJ veut l'adresse d'une usagère", "que dire en CLSPD", "recette de crêpes"):
        assert fresh.answer(q) == again.answer(q)


def test_an_unreadable_cache_trains_again(kb: KnowledgeBase, lexicon, tmp_path):
    settings = EngineSettings(model=replace(ModelSettings(), cache_dir=tmp_path))
    Engine(kb, NoScanner(), settings, lexicon)
    (saved,) = tmp_path.glob("model-*.npz")
    saved.write_bytes(b"not a model")
    engine = Engine(kb, NoScanner(), settings, lexicon)
    assert engine.answer("l'OPJ veut l'adresse d'une usagère").entry_id == "requisition-opj"
    assert saved.read_bytes() != b"not a model"  # written again


def test_a_changed_base_gets_new_weights(kb: KnowledgeBase, lexicon, tmp_path):
    settings = EngineSettings(model=replace(ModelSettings(), cache_dir=tmp_path))
    Engine(kb, NoScanner(), settings, lexicon)
    (first,) = tmp_path.glob("model-*.npz")
    entry = next(iter(kb.entries.values()))
    changed = replace(
        kb, entries={**kb.entries, entry.id: replace(entry, questions=(*entry.questions, "x y z"))}
    )
    Engine(changed, NoScanner(), settings, lexicon)
    (second,) = tmp_path.glob("model-*.npz")
    assert second != first


def test_remembered_character_ids_give_the_same_features():
    """`features` remembers each word's character n-gram ids; the vector must stay the one the
    n-grams give, for a new word, a known one, and the same text asked twice."""
    model = _model()
    for text in ("l'OPJ veut l'adresse", "l'OPJ veut l'adresse", "zzyzx inconnu", "", "a b"):
        fast, plain = model.features(text), model._vector(ngrams(text))
        assert np.array_equal(fast.ids, plain.ids)
        assert np.array_equal(fast.values, plain.values)
