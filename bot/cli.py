"""Command line: `repere ask`, `repere kb check|export|eval`, `repere bench`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import Config, ConfigError, load_config
from bot.engine import Answer, Engine, NoScanner
from bot.evaluation import DATA_DIR
from bot.knowledge import KnowledgeError, load_knowledge
from bot.reload import failing_rule_cases
from bot.render import Renderer, Reply


def answer_json(answer: Answer, reply: Reply) -> dict[str, Any]:
    return {
        "status": answer.status,
        "entry_id": answer.entry_id,
        "confidence": answer.confidence,
        "escalate": answer.escalate,
        "decision": answer.decision,
        "rules": list(answer.rules),
        "sources": [{"id": s.id, "label": s.label, "url": s.url} for s in answer.sources],
        "personal_data": list(answer.personal_data),
        "candidates": [
            {"entry_id": c.entry_id, "title": c.title, "confidence": c.confidence}
            for c in answer.candidates
        ],
        "text": reply.text,
        "html": reply.html,
    }


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _knowledge_dir(args: argparse.Namespace, config: Config) -> Path | None:
    return Path(args.knowledge) if args.knowledge else config.knowledge_dir


def cmd_ask(args: argparse.Namespace) -> int:
    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), settings=config.engine)
    renderer = Renderer(engine.kb)
    questions: list[str]
    if args.question == ["-"]:
        questions = [line.rstrip("\n") for line in sys.stdin]
    else:
        questions = [" ".join(args.question)]
    for q in questions:
        answer = engine.answer(q)
        reply = renderer.render(answer)
        if args.json:
            print(json.dumps(answer_json(answer, reply), ensure_ascii=False), flush=True)
        else:
            print(reply.text)
            if len(questions) > 1:
                print("\n" + "-" * 40)
    return 0


def cmd_kb_check(args: argparse.Namespace) -> int:
    config = _config(args)
    kb = load_knowledge(_knowledge_dir(args, config))
    engine = Engine(kb, NoScanner(), config.engine)
    failures = failing_rule_cases(engine)
    cases = sum(len(r.cases) for r in kb.rules)
    questions = sum(len(e.questions) for e in kb.entries.values())
    print(
        f"Base « {kb.title} », vérifiée le {kb.checked:%d/%m/%Y} : {len(kb.entries)} fiches, "
        f"{questions} formulations, {len(kb.sources)} sources, {len(kb.synonyms)} groupes de synonymes, "
        f"{len(kb.rules)} règles ({cases} cas de test)."
    )
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print("Tout est valide.")
    return 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    config = _config(args)
    kb = load_knowledge(_knowledge_dir(args, config))
    data = {
        "entries": [
            {
                "id": e.id,
                "title": e.title,
                "questions": list(e.questions),
                "tags": list(e.tags),
                "sources": list(e.sources),
                "escalate": e.escalate,
            }
            for e in kb.entries.values()
        ]
    }
    print(json.dumps(data, ensure_ascii=False, indent=2 if not args.json else None))
    return 0


def cmd_kb_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import (
        BASELINES,
        Fold,
        baseline_scores,
        best_threshold,
        evaluate_baseline,
        evaluate_engine_folds,
        folds,
        format_reports,
        load_set,
        with_typos,
    )
    from bot.knowledge import KnowledgeBase
    from bot.lexicon import load_lexicon

    config = _config(args)
    kb = load_knowledge(_knowledge_dir(args, config))
    lexicon = load_lexicon()

    # Personal-data detection does not change which entry is chosen, so eval skips loading spaCy.
    def make_engine(base: KnowledgeBase) -> Engine:
        return Engine(base, NoScanner(), config.engine, lexicon)

    dev = load_set(DATA_DIR / "devset.toml")
    dev_parts = folds(kb, dev)
    # Each baseline declines below the threshold that is best on the dev set, measured like Repère.
    tuned: dict[str, tuple[float, list[tuple[str, float]]]] = {}
    if args.baselines:
        for label, make in BASELINES.items():
            items, scores = baseline_scores(make, dev_parts)
            tuned[label] = (best_threshold(scores, items), scores)
    for name in ("dev", "heldout") if args.set == "all" else (args.set,):
        items = dev if name == "dev" else load_set(DATA_DIR / "heldout.toml")
        asked = with_typos(items, args.typos) if args.typos else items
        # The dev set's questions are phrasings of the base: each fifth is asked of a base without it.
        parts = folds(kb, items, asked) if name == "dev" else [Fold(kb, tuple(asked))]
        reports = [evaluate_engine_folds(make_engine, parts)]
        for label, make in BASELINES.items() if args.baselines else ():
            threshold, scores = tuned[label]
            if name != "dev" or args.typos:
                items_scored, scores = baseline_scores(make, parts)
            else:
                items_scored = [i for part in parts for i in part.items]
            reports.append(evaluate_baseline(label, scores, items_scored, threshold))
        title = f"Jeu « {name} »"
        if name == "dev":
            title += f" (validation croisée en {len(parts)} parts)"
        if args.typos:
            title += f", fautes de frappe dans {args.typos:.0%} des mots"
        print(format_reports(title, reports))
        print()
    return 0


def _typo_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"attendu un nombre entre 0 et 1, reçu « {text} »")
    return rate


def cmd_kb_calibrate(args: argparse.Namespace) -> int:
    from bot.calibration import fit, format_calibration, samples
    from bot.evaluation import folds, load_set
    from bot.lexicon import load_lexicon

    config = _config(args)
    kb = load_knowledge(_knowledge_dir(args, config))
    lexicon = load_lexicon()
    # Fitted on what the engine makes of questions it has not seen: each fifth of the dev set is
    # scored by a base without that fifth's phrasings.
    data = [
        s
        for part in folds(kb, load_set(DATA_DIR / "devset.toml"))
        for s in samples(Engine(part.kb, NoScanner(), config.engine, lexicon), part.items)
    ]
    print(format_calibration(fit(data), data))
    return 0


def cmd_kb_safety(args: argparse.Namespace) -> int:
    from bot.render import Renderer
    from bot.safety_eval import evaluate, load_cases, report

    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), NoScanner(), config.engine)
    renderer = Renderer(engine.kb)
    if args.show and args.set != "dev":
        # The held-out set is read for its figures only; its questions never guide a change.
        print("--show n'est possible que sur le jeu de dev.", file=sys.stderr)
        return 2
    names = ["dev", "heldout"] if args.set == "all" else [args.set]
    for name in names:
        cases = load_cases(DATA_DIR / f"safety_{name}.toml")
        print(report(evaluate(engine, renderer, cases), name, show=args.show))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.bench import run_bench

    config = _config(args)
    print(run_bench(_knowledge_dir(args, config), config.engine, synthetic=args.synthetic))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.logsafe import setup_logging
    from bot.matrix.runner import run_bot

    config = _config(args)
    setup_logging()
    return asyncio.run(run_bot(config))


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo
    from bot.logsafe import setup_logging

    setup_logging("WARNING")
    return run_demo()


def cmd_bench_live(args: argparse.Namespace) -> int:
    from bot.bench_live import run_bench_live
    from bot.logsafe import setup_logging

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
    from bot.store import Store

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
            from bot.privacy import PrivacyScanner

            if PrivacyScanner().kinds(parsed.text):
                print("Consigne refusée : elle contient des données personnelles.", file=sys.stderr)
                return 1
            number = await store.add_guidance(target, parsed.text, parsed.expires)
            print(f"Consigne n° {number} enregistrée pour « {target} ».")
            return 0

    return asyncio.run(go())


def cmd_stats(args: argparse.Namespace) -> int:
    import asyncio

    from bot.chat import format_stats
    from bot.store import Store

    config = _config(args)
    path = _store_path(config)

    async def go() -> str:
        async with Store(path) as store:
            return await format_stats(store, args.period)

    print(asyncio.run(go()))
    return 0


def cmd_privacy_eval(args: argparse.Namespace) -> int:
    from bot.privacy import PrivacyScanner
    from bot.privacy_eval import evaluate, format_report

    corpus = DATA_DIR / "privacy_corpus.jsonl"
    scanner = PrivacyScanner()
    for part in ("dev", "heldout"):
        print(f"Corpus « {part} »")
        print(format_report(evaluate(scanner, corpus, part)))
        print()
    return 0


def cmd_bench_long(args: argparse.Namespace) -> int:
    from bot.bench_long import run_bench_long
    from bot.logsafe import setup_logging

    setup_logging("WARNING")
    print(run_bench_long(args.engine, args.matrix))
    return 0


def _common_options(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument("--config", default=default, help="fichier de configuration TOML")
    parser.add_argument(
        "--knowledge", default=default, help="dossier de la base (par défaut : knowledge/)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="repere", description="Repère : secret professionnel et partage d'informations."
    )
    _common_options(parser, None)
    # Every subcommand takes the same options, so `repere run --config f` works like
    # `repere --config f run`; SUPPRESS keeps a subcommand from resetting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", parents=[common], help="poser une question")
    ask.add_argument("--json", action="store_true", help="une ligne JSON par question")
    ask.add_argument(
        "question", nargs="+", help="la question, ou - pour lire une question par ligne"
    )
    ask.set_defaults(func=cmd_ask)

    kb = sub.add_parser("kb", parents=[common], help="gérer la base de connaissances")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", parents=[common], help="valider la base et ses cas de test")
    check.set_defaults(func=cmd_kb_check)
    export = kb_sub.add_parser("export", parents=[common], help="exporter les fiches")
    export.add_argument("--json", action="store_true", help="JSON compact")
    export.set_defaults(func=cmd_kb_export)
    ev = kb_sub.add_parser("eval", parents=[common], help="mesurer la qualité des réponses")
    ev.add_argument(
        "--baselines", action="store_true", help="comparer à trois méthodes de référence"
    )
    ev.add_argument("--set", choices=["dev", "heldout", "all"], default="dev")
    ev.add_argument(
        "--typos",
        type=_typo_rate,
        default=0.0,
        metavar="PART",
        help="ajouter une faute de frappe au hasard dans cette part des mots (0 à 1), même graine",
    )
    ev.set_defaults(func=cmd_kb_eval)

    safety = kb_sub.add_parser(
        "safety",
        parents=[common],
        help="décisions à risque et danger : police, maire, élus, danger au quotidien",
    )
    safety.add_argument("--set", choices=["dev", "heldout", "all"], default="dev")
    safety.add_argument(
        "--show", action="store_true", help="lister les cas manqués (dev seulement)"
    )
    safety.set_defaults(func=cmd_kb_safety)

    cal = kb_sub.add_parser(
        "calibrate", parents=[common], help="ajuster le modèle de confiance sur le jeu de dev"
    )
    cal.set_defaults(func=cmd_kb_calibrate)

    guidance = sub.add_parser(
        "guidance", parents=[common], help="consignes de service (liste, ajout, retrait)"
    )
    gsub = guidance.add_subparsers(dest="action", required=True)
    gsub.add_parser("list", parents=[common], help="les consignes en vigueur").set_defaults(
        func=cmd_guidance
    )
    gadd = gsub.add_parser("add", parents=[common], help="ajouter une consigne")
    gadd.add_argument("target", help="identifiant de fiche ou mot-clé")
    gadd.add_argument("text", nargs="+")
    gadd.add_argument("--until", help="date de fin AAAA-MM-JJ")
    gadd.set_defaults(func=cmd_guidance)
    grm = gsub.add_parser("remove", parents=[common], help="retirer une consigne")
    grm.add_argument("number", type=int)
    grm.set_defaults(func=cmd_guidance)

    stats = sub.add_parser("stats", parents=[common], help="statistiques anonymes")
    stats.add_argument("period", nargs="?", default="semaine", choices=["semaine", "mois"])
    stats.set_defaults(func=cmd_stats)

    privacy = sub.add_parser("privacy", parents=[common], help="détection des données personnelles")
    psub = privacy.add_subparsers(dest="privacy_command", required=True)
    psub.add_parser(
        "eval", parents=[common], help="précision et rappel par type, sur le corpus annoté"
    ).set_defaults(func=cmd_privacy_eval)

    run = sub.add_parser(
        "run", parents=[common], help="lancer le robot Matrix (--config obligatoire)"
    )
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser(
        "demo", parents=[common], help="démonstration locale : Synapse jetable, robot et discussion"
    )
    demo.set_defaults(func=cmd_demo)

    live = sub.add_parser(
        "bench-live",
        parents=[common],
        help="latence à travers un Synapse local, contre un robot témoin",
    )
    live.add_argument("--questions", type=int, default=40)
    live.set_defaults(func=cmd_bench_live)

    long_run = sub.add_parser(
        "bench-long", parents=[common], help="longue durée : mémoire, latence, descripteurs"
    )
    long_run.add_argument("--engine", type=int, default=20_000)
    long_run.add_argument("--matrix", type=int, default=2_000)
    long_run.set_defaults(func=cmd_bench_long)

    bench = sub.add_parser("bench", parents=[common], help="mesurer la vitesse de chaque étape")
    bench.add_argument(
        "--synthetic", type=int, default=10_000, help="taille de la base synthétique"
    )
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"Erreur de configuration : {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print("La base de connaissances contient des erreurs :", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
