"""`repere run|demo|guidance|stats|privacy eval|bench-live|bench-long`: running and operating the bot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli_kb import _config, _knowledge_dir
from bot.config import Config, ConfigError
from bot.engine.loading import load_knowledge
from bot.tools.evaluation import DATA_DIR


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.matrix.logsafe import setup_logging
    from bot.matrix.runner import run_bot

    config = _config(args)
    setup_logging()
    return asyncio.run(run_bot(config))


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.matrix.logsafe import setup_logging
    from bot.tools.demo import run_demo

    setup_logging("WARNING")
    return run_demo()


def cmd_bench_live(args: argparse.Namespace) -> int:
    from bot.matrix.logsafe import setup_logging
    from bot.tools.bench_live import run_bench_live

    setup_logging("WARNING")
    print(run_bench_live(args.questions))
    return 0


def _store_path(config: Config) -> Path:
    if config.bot.data_dir is None:
        raise ConfigError(
            config.path or "(pas de fichier)", "bot.data_dir", "un dossier de données est attendu"
        )
    return config.bot.data_dir / "repere.db"


def cmd_guidance(args: argparse.Namespace) -> int:
    """Operator's view of the guidance table (the chat commands' equivalent)."""
    import asyncio
    import datetime as dt

    from bot.conversation.guidance import GuidanceError, parse_guidance, resolve_target
    from bot.storage.store import Store

    config = _config(args)
    path = _store_path(config)

    async def go() -> int:
        async with Store(path) as store:
            if args.action == "list":
                for r in await store.active_guidance():
                    until = f" jusqu'au {r.expires:%d/%m/%Y}" if r.expires else ""
                    print(f"n° {r.number} [{r.target}] ({r.posted:%d/%m/%Y}{until}) : {r.text}")
                return 0
            if args.action == "remove":
                ok = await store.withdraw_guidance(args.number)
                print(
                    f"Consigne n° {args.number} retirée."
                    if ok
                    else "Aucune consigne active avec ce numéro."
                )
                return 0 if ok else 1
            kb = load_knowledge(_knowledge_dir(args, config))
            argument = f"{args.target} {' '.join(args.text)}"
            if args.until:
                argument += f" --jusqu-au {args.until}"
            try:
                parsed = parse_guidance("consigne", argument, dt.date.today())
                target, _ = resolve_target(kb, parsed.target)
            except GuidanceError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            from bot.engine.privacy import PrivacyScanner

            if PrivacyScanner().kinds(parsed.text):
                print("Consigne refusée : elle contient des données personnelles.", file=sys.stderr)
                return 1
            number = await store.add_guidance(target, parsed.text, parsed.expires)
            print(f"Consigne n° {number} enregistrée pour « {target} ».")
            return 0

    return asyncio.run(go())


def cmd_stats(args: argparse.Namespace) -> int:
    import asyncio

    from bot.matrix.command_runner import format_stats
    from bot.storage.store import Store

    config = _config(args)
    path = _store_path(config)

    async def go() -> str:
        async with Store(path) as store:
            return await format_stats(store, args.period)

    print(asyncio.run(go()))
    return 0


def cmd_privacy_eval(args: argparse.Namespace) -> int:
    from bot.engine.privacy import PrivacyScanner
    from bot.tools.privacy_eval import evaluate, format_report

    corpus = DATA_DIR / "privacy_corpus.jsonl"
    scanner = PrivacyScanner()
    for part in ("dev", "heldout"):
        print(f"Corpus « {part} »")
        print(format_report(evaluate(scanner, corpus, part)))
        print()
    return 0


def cmd_bench_long(args: argparse.Namespace) -> int:
    from bot.matrix.logsafe import setup_logging
    from bot.tools.bench_long import run_bench_long

    setup_logging("WARNING")
    print(run_bench_long(args.engine, args.matrix))
    return 0
