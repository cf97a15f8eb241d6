"""The operating-point comparison of `kb eval --baselines` (the peer itself runs in test_cli)."""

from __future__ import annotations

from bot.tools.classifier import at_decline_rate, declined_share
from bot.tools.evaluation import NONE, Labelled

ITEMS = [
    Labelled("a", "e1", False),
    Labelled("b", "e2", False),
    Labelled("c", NONE, False),
    Labelled("d", NONE, False),
]


def test_declined_share_counts_off_topic_questions_only():
    assert declined_share(ITEMS, ["e1", NONE, NONE, "e1"]) == 0.5


def test_threshold_is_the_lowest_that_declines_the_target_share():
    scores = [("e1", 0.9), ("e2", 0.4), ("e1", 0.5), ("e2", 0.3)]
    half = at_decline_rate("peer", scores, ITEMS, 0.5)
    assert half.threshold == 0.4 and half.none_recall == 0.5 and half.top1 == 0.75
    # Declining both off-topic questions costs the right answer scored 0.4.
    both = at_decline_rate("peer", scores, ITEMS, 1.0)
    assert both.threshold == 0.9 and both.none_recall == 1.0 and both.top1 == 0.75


def test_an_unreachable_rate_declines_everything():
    scores = [("e1", 0.9), ("e2", 0.4), ("e1", 0.5), ("e1", 0.5)]
    r = at_decline_rate("peer", scores, ITEMS, 1.01)
    assert r.top1 == 0.5 and r.none_recall == 1.0
