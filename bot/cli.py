"""Command line: the parser and the exit codes; the subcommands are in cli_kb and cli_ops."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from bot.cli_kb import (
    ARTICLE_SETS,
    EVAL_SETS,
    GUIDED_SETS,
    MISSING_SETS,
    PERSONAL_SETS,
    SAFETY_SETS,
    cmd_ask,
    cmd_bench,
    cmd_kb_articles,
    cmd_kb_calibrate,
    cmd_kb_check,
    cmd_kb_eval,
    cmd_kb_export,
    cmd_kb_guided,
    cmd_kb_lengths,
    cmd_kb_personal,
    cmd_kb_safety,
)
from bot.cli_ops import (
    cmd_bench_live,
    cmd_bench_long,
    cmd_demo,
    cmd_guidance,
    cmd_privacy_eval,
    cmd_run,
    cmd_stats,
)
from bot.config import ConfigError
from bot.engine.knowledge import KnowledgeError


def _typo_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"attendu un nombre entre 0 et 1, reçu « {text} »")
    return rate


def _common_options(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument("--config", default=default, help="fichier de configuration TOML")
    parser.add_argument(
        "--knowledge", default=default, help="dossier de la base (par défaut : knowledge/)"
    )


def _set_and_show(parser: argparse.ArgumentParser, sets: tuple[str, ...]) -> None:
    parser.add_argument("--set", choices=[*sets, "all"], default="dev")
    parser.add_argument(
        "--show", action="store_true", help="lister les cas manqués (jeux de dev seulement)"
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
    ev.add_argument("--set", choices=[*EVAL_SETS, "all"], default="dev")
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
    _set_and_show(safety, SAFETY_SETS)
    safety.set_defaults(func=cmd_kb_safety)

    personal = kb_sub.add_parser(
        "personal",
        parents=[common],
        help="questions avec des données personnelles : même fiche que sans, rien de répété",
    )
    _set_and_show(personal, PERSONAL_SETS)
    personal.set_defaults(func=cmd_kb_personal)

    lengths = kb_sub.add_parser(
        "lengths",
        parents=[common],
        help="longueur des réponses sur un téléphone (caractères affichés, liens à part)",
    )
    lengths.add_argument(
        "--set",
        choices=["fiches", "devset", "heldout", *(f"guided_{s}" for s in GUIDED_SETS), "all"],
        default="all",
    )
    lengths.set_defaults(func=cmd_kb_lengths)

    guided = kb_sub.add_parser(
        "guided",
        parents=[common],
        help="décision guidée : le fait décisif demandé, puis la réponse à la question d'origine",
    )
    _set_and_show(guided, MISSING_SETS)
    guided.set_defaults(func=cmd_kb_guided)

    articles = kb_sub.add_parser(
        "articles",
        parents=[common],
        help="un article par son numéro (sa carte) et les petits mots (la réponse courte)",
    )
    _set_and_show(articles, ARTICLE_SETS)
    articles.set_defaults(func=cmd_kb_articles)

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
