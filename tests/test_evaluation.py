"""Cross-validation: a dev question is never measured on a base that holds it as a phrasing."""

from __future__ import annotations

from bot.engine.knowledge import KnowledgeBase, phrasing_key
from bot.tools.evaluation import Labelled, folds, without_phrasings


def _some_phrasings(kb: KnowledgeBase, n: int) -> list[Labelled]:
    return [
        Labelled(q.upper(), e.id, False)  # case and accents do not hide a phrasing
        for e in kb.entries.values()
        for q in e.questions[:2]
    ][:n]


def _keys(kb: KnowledgeBase) -> set[str]:
    return {phrasing_key(q) for e in kb.entries.values() for q in e.questions}


def test_without_phrasings_drops_those_and_only_those(kb: KnowledgeBase):
    items = _some_phrasings(kb, 10)
    less = without_phrasings(kb, [i.text for i in items])
    dropped = {phrasing_key(i.text) for i in items}
    assert _keys(less) == _keys(kb) - dropped
    assert sum(len(e.questions) for e in less.entries.values()) == (
        sum(len(e.questions) for e in kb.entries.values()) - len(dropped)
    )
    assert less.entries.keys() == kb.entries.keys() and less.rules == kb.rules


def test_without_phrasings_drops_off_topic_questions_too(kb: KnowledgeBase):
    some = list(kb.off_topic[:3])
    less = without_phrasings(kb, [q.upper() for q in some])
    assert len(less.off_topic) == len(kb.off_topic) - 3
    assert not set(some) & set(less.off_topic)


def test_folds_split_the_set_and_hide_each_part_from_its_base(kb: KnowledgeBase):
    items = _some_phrasings(kb, 23)
    parts = folds(kb, items, k=5)
    assert len(parts) == 5
    assert sorted(i.text for p in parts for i in p.items) == sorted(i.text for i in items)
    for part in parts:
        own = {phrasing_key(i.text) for i in part.items}
        others = {phrasing_key(i.text) for i in items} - own
        assert not own & _keys(part.kb)
        assert others <= _keys(part.kb)


def test_folds_ask_the_noisy_questions_but_hide_the_originals(kb: KnowledgeBase):
    items = _some_phrasings(kb, 10)
    asked = [Labelled(i.text + " svp", i.expect, i.police) for i in items]
    parts = folds(kb, items, asked, k=2)
    assert [i.text for i in parts[0].items] == [i.text for i in asked[0::2]]
    assert not {phrasing_key(i.text) for i in items[0::2]} & _keys(parts[0].kb)


def test_best_threshold_is_the_best_of_all_thresholds():
    import random

    from bot.tools.evaluation import NONE, best_threshold

    rng = random.Random(3)
    for _ in range(200):
        items = [
            Labelled("q", rng.choice(["a", "b", NONE]), False) for _ in range(rng.randrange(1, 30))
        ]
        scores = [(rng.choice(["a", "b"]), rng.randrange(10) / 10) for _ in items]

        def accuracy(t: float, scores=scores, items=items) -> int:
            return sum(
                (eid if s >= t else NONE) == i.expect
                for (eid, s), i in zip(scores, items, strict=True)
            )

        best = max(accuracy(t) for t in {0.0, *(s for _, s in scores)})
        assert accuracy(best_threshold(scores, items)) == best
