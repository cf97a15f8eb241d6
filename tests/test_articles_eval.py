"""Guard: the issue's targets for articles by number and small talk, on the guided sets.

The held-out set is measured as aggregates only; no assertion message names one of its texts.
"""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine
from bot.tools.articles_eval import Outcome, evaluate, load_cases, report
from bot.tools.evaluation import DATA_DIR

# Floors at what each set measured when the guard was set (docs/matching.md): dev2 (writer H) 24 of
# 25 articles and 22 of 25 small talk; heldout (writer J, first read 2026-12-02) 20 of 25 and 20 of
# 30. The issue asks for ≥ 90 % and every one; these floors only keep them from falling.
FLOORS = {"dev2": (24 / 25, 22 / 25), "heldout": (20 / 25, 20 / 30)}


def _run(engine: Engine, name: str) -> tuple[list[Outcome], list[Outcome]]:
    articles, talk = load_cases(DATA_DIR / f"guided_{name}.toml")
    assert len(articles) >= 20 and len(talk) >= 20, "jeu guidé incomplet"
    return evaluate(engine, articles, talk)


def _share(outcomes: list[Outcome]) -> float:
    return sum(o.ok for o in outcomes) / len(outcomes)


def test_dev_set_meets_the_targets(plain_engine: Engine):
    on_articles, on_talk = _run(plain_engine, "dev")
    shown = report("dev", on_articles, on_talk, show=True)
    assert _share(on_articles) >= 0.90, shown
    assert _share(on_talk) == 1.0, shown


@pytest.mark.parametrize("name", ["dev2", "heldout"])
def test_set_aggregates_hold(plain_engine: Engine, name: str):
    on_articles, on_talk = _run(plain_engine, name)
    articles_floor, talk_floor = FLOORS[name]
    assert _share(on_articles) >= articles_floor, f"articles {_share(on_articles):.0%}"
    assert _share(on_talk) >= talk_floor, f"petits mots {_share(on_talk):.0%}"
