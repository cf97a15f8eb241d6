"""`repere bench-long`: a long run, 20,000 questions through the engine then 2,000 through Matrix.

Reports RSS at the start and the end (growth must stay under 10 %), latency p50/p99 and open file
descriptors. A benchmark, not a test: it prints figures for the closing note.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from pathlib import Path

from bot.engine.answer import Engine
from bot.engine.render import Renderer
from bot.tools.demo import ChatUser, local_stack
from bot.tools.evaluation import DATA_DIR, load_set
from bot.tools.homeserver import Homeserver, Registered


def rss_mb(pid: int | None = None) -> float:
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int | None = None) -> int:
    return len(os.listdir(f"/proc/{pid or os.getpid()}/fd"))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def engine_run(n: int) -> str:
    questions = [i.text for i in load_set(DATA_DIR / "devset.toml")]
    rng = random.Random(11)
    engine = Engine.load()
    renderer = Renderer(engine.kb)
    for q in questions:  # warm-up: caches a long-running process has warm too
        renderer.render(engine.answer(q))
    start_rss, start_fds = rss_mb(), open_fds()
    times = []
    for i in range(n):
        # Vary the text so no cache answers for the engine.
        q = f"{rng.choice(questions)} {i}"
        t0 = time.perf_counter()
        renderer.render(engine.answer(q))
        times.append((time.perf_counter() - t0) * 1000)
    end_rss, end_fds = rss_mb(), open_fds()
    return (
        f"Moteur, {n} questions : p50 {statistics.median(times):.2f} ms, p99 {_pct(times, 0.99):.2f} ms ; "
        f"RSS {start_rss:.0f} -> {end_rss:.0f} Mo ({(end_rss / start_rss - 1):+.1%}) ; "
        f"descripteurs {start_fds} -> {end_fds}"
    )


async def _matrix_questions(
    hs: Homeserver, user: Registered, bot_id: str, store: Path, n: int, pid: int
) -> str:
    questions = [i.text for i in load_set(DATA_DIR / "devset.toml")]
    chat = ChatUser(hs.url, user, store)
    await chat.start()
    try:
        room = await chat.open_dm(bot_id)
        for q in questions[:20]:
            await chat.ask(room, q)
        start_rss, start_fds = rss_mb(pid), open_fds(pid)
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            await chat.ask(room, f"{questions[i % len(questions)]} ({i})", timeout=60)
            times.append((time.perf_counter() - t0) * 1000)
        end_rss, end_fds = rss_mb(pid), open_fds(pid)
    finally:
        await chat.stop()
    return (
        f"Matrix, {n} questions (salon direct chiffré) : p50 {statistics.median(times):.0f} ms, "
        f"p99 {_pct(times, 0.99):.0f} ms ; RSS du robot {start_rss:.0f} -> {end_rss:.0f} Mo "
        f"({(end_rss / start_rss - 1):+.1%}) ; descripteurs {start_fds} -> {end_fds}"
    )


def matrix_run(n: int) -> str:
    with local_stack("repere-long-", ["agent"], "rate_limit_per_minute = 100000\n") as stack:
        user, pid = stack.users[0], stack.bot_process.pid
        return asyncio.run(
            _matrix_questions(stack.homeserver, user, stack.bot.user_id, stack.root / "u", n, pid)
        )


def run_bench_long(engine_questions: int = 20_000, matrix_questions: int = 2_000) -> str:
    return "\n".join([engine_run(engine_questions), matrix_run(matrix_questions)])
