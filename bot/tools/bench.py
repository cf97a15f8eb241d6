"""`repere bench`: per-stage latency on the real base, then on a synthetic base of many entries."""

from __future__ import annotations

import datetime as dt
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bot.engine.answer import Engine, EngineSettings, PersonalDataScanner
from bot.engine.knowledge import Entry, KnowledgeBase
from bot.engine.render import Renderer
from bot.tools.evaluation import DATA_DIR, load_set

STAGES = ("normalise", "match", "rules", "privacy", "render")


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_stages(
    engine: Engine, renderer: Renderer, questions: Sequence[str], rounds: int
) -> dict[str, list[float]]:
    """Milliseconds per question for each stage, over `rounds` passes of `questions`."""
    timings: dict[str, list[float]] = {s: [] for s in (*STAGES, "total")}
    clock = time.perf_counter
    for _ in range(rounds):
        for q in questions:
            # The same steps as Engine.answer: one scan, then the masked text is matched.
            t0 = clock()
            screened = engine.scanner.screen(q)
            t1 = clock()
            tokens, literal = engine.normalizer.analyse(screened.masked)
            t2 = clock()
            outcome = engine.rules.evaluate(tokens, literal)
            t3 = clock()
            ranked = engine.rank(
                tokens, outcome, limit=engine.settings.max_candidates + 1, text=screened.masked
            )
            t4 = clock()
            renderer.render(engine.decide(ranked, outcome, screened.kinds))
            t5 = clock()
            for stage, a, b in (
                ("privacy", t0, t1),
                ("normalise", t1, t2),
                ("rules", t2, t3),
                ("match", t3, t4),
                ("render", t4, t5),
                ("total", t0, t5),
            ):
                timings[stage].append((b - a) * 1000)
    return timings


def format_timings(title: str, timings: dict[str, list[float]]) -> str:
    lines = [title, f"  {'étape':10} {'p50 ms':>8} {'p99 ms':>8}"]
    for stage, values in timings.items():
        lines.append(
            f"  {stage:10} {_percentile(values, 0.5):8.3f} {_percentile(values, 0.99):8.3f}"
        )
    return "\n".join(lines)


def synthetic_kb(base: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """`size` entries whose phrasings mix the real base's words, with the real sources and rules."""
    rng = random.Random(seed)
    words = sorted({w for e in base.entries.values() for q in e.questions for w in q.split()})
    source_ids = sorted(base.sources)
    entries: dict[str, Entry] = {}
    for i in range(size):
        eid = f"synthetique-{i:05d}"
        questions = tuple(" ".join(rng.choices(words, k=rng.randint(4, 12))) for _ in range(5))
        entries[eid] = Entry(
            id=eid,
            title=" ".join(rng.choices(words, k=6)),
            questions=questions,
            tags=tuple(rng.choices(words, k=2)),
            sources=(rng.choice(source_ids),),
            escalate=False,
            related=(),
            updated=dt.date(2026, 1, 1),
            body="**Oui.** Fiche synthétique pour la mesure de vitesse.",
        )
    return KnowledgeBase(
        title="synthétique",
        checked=base.checked,
        entries=entries,
        sources=base.sources,
        synonyms=base.synonyms,
        facts=base.facts,
        rules=base.rules,
        directory=base.directory,
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ask_process(knowledge_dir: Path | None, runs: int = 3) -> tuple[float, float]:
    """`repere ask` as a whole process, as the operator and the issue measure it: the median wall
    time of `runs` starts after one that fills the model's cache, and the largest peak memory."""
    cmd = [sys.executable, "-m", "bot", "ask"]
    if knowledge_dir is not None:
        cmd += ["--knowledge", str(knowledge_dir)]
    cmd.append("puis-je donner l'adresse d'un usager à l'OPJ ?")
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        if i:
            times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


def _timed(fn: Callable[[], Engine]) -> tuple[Engine, float]:
    t0 = time.perf_counter()
    engine = fn()
    return engine, time.perf_counter() - t0


def run_bench(
    knowledge_dir: Path | None,
    settings: EngineSettings,
    synthetic: int = 10_000,
    rounds: int = 5,
    scanner: PersonalDataScanner | None = None,
    ask_runs: int = 3,
) -> str:
    questions = [i.text for i in load_set(DATA_DIR / "devset.toml")]
    ask_s, ask_mb = ask_process(knowledge_dir, ask_runs)
    engine, startup = _timed(lambda: Engine.load(knowledge_dir, scanner, settings))
    renderer = Renderer(engine.kb)
    engine.answer(questions[0])  # warm caches that a long-running bot has warm too
    with tempfile.TemporaryDirectory() as cache:
        cached = replace(settings, model=replace(settings.model, cache_dir=Path(cache)))
        lexicon = engine.normalizer.lexicon
        _, cold = _timed(lambda: Engine(engine.kb, engine.scanner, cached, lexicon))
        _, warm = _timed(lambda: Engine(engine.kb, engine.scanner, cached, lexicon))
    out = [
        f"`repere ask`, processus entier (médiane de {ask_runs} démarrage(s), cache rempli) : {ask_s:.2f} s ; "
        f"mémoire max {ask_mb:.0f} Mo",
        f"Démarrage (base, lexique, modèle spaCy) : {startup:.2f} s ; mémoire max {_rss_mb():.0f} Mo",
        f"Index de la base : {cold:.2f} s en apprenant le modèle, {warm:.2f} s avec ses poids "
        "gardés (cache de `repere ask` et du robot)",
        format_timings(
            f"Base réelle : {len(engine.kb.entries)} fiches, {len(questions)} questions x {rounds}",
            time_stages(engine, renderer, questions, rounds),
        ),
    ]
    if synthetic:
        kb = synthetic_kb(engine.kb, synthetic)
        big, build = _timed(lambda: Engine(kb, engine.scanner, settings, engine.normalizer.lexicon))
        big_renderer = Renderer(kb)
        out.append(
            format_timings(
                f"Base synthétique : {synthetic} fiches (indexée en {build:.1f} s), "
                f"{len(questions)} questions x 1",
                time_stages(big, big_renderer, questions, 1),
            )
        )
        out.append(f"Mémoire max : {_rss_mb():.0f} Mo")
    return "\n\n".join(out)
