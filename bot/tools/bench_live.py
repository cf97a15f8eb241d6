"""`repere bench-live`: answer latency through a real Synapse, Repère against a zero-work bot."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.tools.demo import ChatUser, local_stack, stop_process
from bot.tools.homeserver import Homeserver, Registered

QUESTIONS = [
    "puis-je donner l'adresse d'un usager à l'OPJ ?",
    "que puis-je dire en CLSPD ?",
    "un enfant est en danger, puis-je lever le secret ?",
    "c'est quoi une information préoccupante",
    "le maire veut des infos sur une famille",
    "je suis convoquée comme témoin",
]


async def _measure(
    hs: Homeserver, user: Registered, store: Path, bot_id: str, n: int
) -> list[float]:
    chat = ChatUser(hs.url, user, store)
    await chat.start()
    try:
        room = await chat.open_dm(bot_id)
        for q in QUESTIONS[:3]:  # warm-up: group sessions, caches
            await chat.ask(room, q)
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            await chat.ask(room, QUESTIONS[i % len(QUESTIONS)])
            times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        await chat.stop()


def _summary(label: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=20)
    return f"  {label:22} p50 {statistics.median(times):7.1f} ms   p95 {q[18]:7.1f} ms   (n={len(times)})"


def run_bench_live(n: int = 40) -> str:
    # One user asks every question here: lift the per-sender flood limit.
    with local_stack(
        "repere-bench-", ["agent-a", "agent-b", "zero"], "rate_limit_per_minute = 100000\n"
    ) as stack:
        hs, (user_a, user_b, zero) = stack.homeserver, stack.users
        repere_times = asyncio.run(_measure(hs, user_a, stack.root / "a", stack.bot.user_id, n))
        zero_proc = subprocess.Popen(
            [sys.executable, "-m", "bot.tools.zerobot", hs.url, zero.user_id, zero.password, str(stack.root / "zero")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
        )  # fmt: skip
        assert zero_proc.stdout is not None
        zero_proc.stdout.readline()
        try:
            zero_times = asyncio.run(_measure(hs, user_b, stack.root / "b", zero.user_id, n))
        finally:
            stop_process(zero_proc)
    ratio = statistics.median(repere_times) / statistics.median(zero_times)
    return "\n".join(
        [
            "Latence question -> réponse, salon direct chiffré, même Synapse local :",
            _summary("Repère", repere_times),
            _summary("robot « ok » (témoin)", zero_times),
            f"  rapport des médianes : {ratio:.2f} (objectif ≤ 1,30)",
        ]
    )
