"""The benchmark commands run end to end (their figures are read by people, not asserted)."""

from __future__ import annotations

from bot.engine.answer import EngineSettings
from bot.engine.knowledge import KnowledgeBase
from bot.engine.privacy import PrivacyScanner
from bot.tools.bench import STAGES, run_bench, synthetic_kb


def test_bench_runs_on_real_and_synthetic_bases(scanner: PrivacyScanner):
    out = run_bench(None, EngineSettings(), synthetic=300, rounds=1, scanner=scanner, ask_runs=1)
    assert "`repere ask`, processus entier" in out
    for stage in STAGES:
        assert out.count(stage) >= 2
    assert "Base synthétique : 300 fiches" in out


def test_synthetic_base_keeps_real_rules_and_sources(kb: KnowledgeBase):
    big = synthetic_kb(kb, 50)
    assert len(big.entries) == 50 and big.rules == kb.rules and big.sources == kb.sources
