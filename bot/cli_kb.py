"""`repere ask`, `repere kb check|export|eval|calibrate|safety|guided`, `repere bench`: the engine from the shell."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import Config, load_config
from bot.engine.answer import Answer, Engine, EngineSettings, NoScanner
from bot.engine.loading import load_knowledge
from bot.engine.reload import failing_rule_cases
from bot.engine.render import Renderer, Reply
from bot.engine.render_article import article_json
from bot.tools.evaluation import DATA_DIR


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
        "question": answer.question,
        "choices": [{"label": c.label, "entry_id": c.entry_id} for c in answer.choices],
        **article_json(answer),
        "text": reply.text,
        "html": reply.html,
    }


# `repere kb eval --set`: the dev set (phrasings, cross-validated), the held-out v4 (two writers,
# 30 November), and a second held-out set written blind on 7 December (writer AV; writer AU's set
# of the same day, first read alone, is now batch 12 of the dev set), and a third on 8 December
# (writer BY, police requests labelled by a second blind reader).
EVAL_SETS = {
    "dev": "devset.toml",
    "heldout": "heldout.toml",
    "heldout2": "heldout2.toml",
    "heldout3": "heldout3.toml",
}


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _knowledge_dir(args: argparse.Namespace, config: Config) -> Path | None:
    return Path(args.knowledge) if args.knowledge else config.knowledge_dir


def _with_model_cache(settings: EngineSettings) -> EngineSettings:
    """`repere ask` without a data directory keeps the trained model in the user's cache
    directory, so that the next question starts in a few seconds (docs/matching.md)."""
    if settings.model.cache_dir is not None:
        return settings
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return replace(settings, model=replace(settings.model, cache_dir=root / "repere"))


def cmd_ask(args: argparse.Namespace) -> int:
    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), settings=_with_model_cache(config.engine))
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
    from bot.tools.lengths import too_long_first_messages

    failures += too_long_first_messages(engine, Renderer(kb))
    cases = sum(len(r.cases) for r in kb.rules)
    questions = sum(len(e.questions) for e in kb.entries.values())
    print(
        f"Base « {kb.title} », vérifiée le {kb.checked:%d/%m/%Y} : {len(kb.entries)} fiches, "
        f"{questions} formulations, {len(kb.sources)} sources, {len(kb.synonyms)} groupes de synonymes, "
        f"{len(kb.rules)} règles ({cases} cas de test), {len(kb.asks)} faits décisifs à demander "
        f"({sum(len(a.cases) for a in kb.asks)} cas de test)."
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
    from bot.engine.knowledge import KnowledgeBase
    from bot.engine.lexicon import load_lexicon
    from bot.tools.classifier import at_decline_rate, format_operating_point
    from bot.tools.evaluation import (
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

    config = _config(args)
    kb = load_knowledge(_knowledge_dir(args, config))
    lexicon = load_lexicon()
    baselines = dict(BASELINES)
    if args.baselines:
        from bot.tools.classifier import logreg_baseline

        baselines["Régression logistique n-grammes"] = logreg_baseline

    # Masking personal data changes no question of the dev or held-out set (none holds any:
    # tests/test_personal_eval.py), so eval skips loading spaCy; NoScanner still blanks dates.
    def make_engine(base: KnowledgeBase) -> Engine:
        return Engine(base, NoScanner(), config.engine, lexicon)

    dev = load_set(DATA_DIR / "devset.toml")
    dev_parts = folds(kb, dev)
    # Each baseline declines below the threshold that is best on the dev set, measured like Repère.
    tuned: dict[str, tuple[float, list[tuple[str, float]]]] = {}
    if args.baselines:
        for label, make in baselines.items():
            items, scores = baseline_scores(make, dev_parts)
            tuned[label] = (best_threshold(scores, items), scores)
    for name in EVAL_SETS if args.set == "all" else (args.set,):
        items = dev if name == "dev" else load_set(DATA_DIR / EVAL_SETS[name])
        asked = with_typos(items, args.typos) if args.typos else items
        # The dev set's questions are phrasings of the base: each fifth is asked of a base without it.
        parts = folds(kb, items, asked) if name == "dev" else [Fold(kb, tuple(asked))]
        reports = [evaluate_engine_folds(make_engine, parts)]
        same_rate = []
        for label, make in baselines.items() if args.baselines else ():
            threshold, scores = tuned[label]
            if name != "dev" or args.typos:
                items_scored, scores = baseline_scores(make, parts)
            else:
                items_scored = [i for part in parts for i in part.items]
            reports.append(evaluate_baseline(label, scores, items_scored, threshold))
            same_rate.append(at_decline_rate(label, scores, items_scored, reports[0].none_recall))
        title = f"Jeu « {name} »"
        if name == "dev":
            title += f" (validation croisée en {len(parts)} parts)"
        if args.typos:
            title += f", fautes de frappe dans {args.typos:.0%} des mots"
        print(format_reports(title, reports))
        if same_rate:
            print()
            print(format_operating_point(reports[0], same_rate))
        print()
    return 0


def cmd_kb_calibrate(args: argparse.Namespace) -> int:
    from bot.engine.lexicon import load_lexicon
    from bot.tools.calibration import fit, format_calibration, samples
    from bot.tools.evaluation import folds, load_set

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


# Sets that may be read case by case: dev (writer D), dev2 (writer E, held out until the morning of
# 2026-12-02), dev3 (writer F, held out until the second session of 2026-12-02, when writer I's set replaced it),
# dev4 (writer K), dev5 (writer L), dev6 (writer N) and dev7 (writer O), danger only, and dev8 (writer I,
# held out until the fourth session of 2026-12-02, when writer R's set replaced it), dev9 (writer U,
# danger only), dev10 (writer R, held out until the fifth session of 2026-12-02, when writer V's set
# replaced it), dev11 (writer Y, danger only) and dev12 (writer Z, danger and police pleading
# urgency), dev13 (writer AC, children and young adults), dev14 (writer AB, adults), dev15 (writer
# AE, mostly immediate danger), dev16 (writer AF, decision kinds), dev17 (writer AG, danger in
# everyday words), dev18 (writer AJ, decision kinds), dev19 (writer AK, danger without the textbook
# words), all 2026-12-03; dev20 (writer AO, danger in everyday words), dev21 (writer AP, decision
# kinds), dev22 (writer AQ, short phone messages) and dev23 (writer AR, danger told in the middle of
# another question), 2026-12-06; dev24 (writer AS, home-care and adult-protection staff, danger) and
# dev25 (writer AT, decision kinds from a CCAS and a rural département), dev26 (writer AX, danger
# told by staff beside the social workers), dev27 (writer AY, night and on-call staff), dev28
# (writer BA, asylum and disability services), dev29 (writer BB, managers, pasted messages),
# dev30 (writer AZ, school, hospital, PJJ), dev31 (writer BC, polyvalence, CCAS, rural services:
# decision kinds), dev32 (writer BD, home help, EHPAD, PMI, night staff: danger), dev33 (writer
# BE, requisitions, audition libre, witnesses: decision kinds), dev34 (writer BF, danger told
# inside another question), dev35 (writer BG, newcomers' words: decision kinds), dev36 (writer
# BH, short phone messages: danger), dev37 (writer BI, dictated or pasted official texts:
# decision kinds), dev38 (writer BJ, danger the usual sets miss), dev39 (writer BK, children
# without the obvious words), dev40 (writer BL, people around the team, parents), dev41 (writer
# BM, short night messages: danger), dev42 (writer BN, decision kinds, hard boundaries), dev43
# (writer BO, voice dictation: danger), dev44 (writer BP, daytime staff's short messages: danger),
# dev45 (writer BQ, users' own words pasted in: danger), dev46 (writer BR, rural services: danger)
# dev47 (writer BS, decision kinds in short messages), dev48 (writer BT, short messages about
# children: danger) and dev49 (writer BU, short messages about vulnerable adults and partners:
# danger), 2026-12-07; dev50 (writer BW, danger and police callers pleading urgency), dev51 (writer BX,
# decision kinds), dev52 (writer CA, danger told by non-social staff and victims), dev53
# (writer CB, decision kinds in phone messages), dev54 (writer CC, short danger messages), dev55
# (writer CD, police pressure), dev56 (writer CE, danger told by people around the services) and
# dev57 (writer CF, police callers and decision kinds), 2026-12-08;
# see docs/legal-changes.md.
DEV_SAFETY_SETS = (
    *("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10"),
    *("dev11", "dev12", "dev13", "dev14", "dev15", "dev16", "dev17", "dev18", "dev19"),
    *("dev20", "dev21", "dev22", "dev23", "dev24", "dev25", "dev26"),
    *("dev27", "dev28", "dev29", "dev30", "dev31", "dev32", "dev33", "dev34"),
    *("dev35", "dev36", "dev37", "dev38", "dev39", "dev40", "dev41", "dev42", "dev43"),
    *("dev44", "dev45", "dev46", "dev47", "dev48", "dev49", "dev50", "dev51"),
    *("dev52", "dev53", "dev54", "dev55", "dev56", "dev57"),
)
SAFETY_SETS = (*DEV_SAFETY_SETS, "heldout", "heldout2")
# The guided sets (tests/data/guided_*.toml): dev (writer G), dev2 (writer H, held out until the second
# session of 2026-12-02, when writer J's set replaced it), dev5 (writer J, held out until the fourth
# session of 2026-12-02, when writer S's set replaced it), dev7 (writer S, held out until the fifth
# session of 2026-12-02, when writer W's set replaced it), heldout (writer W).
DEV_GUIDED_SETS = ("dev", "dev2", "dev5", "dev7")
# Missing and complete questions only: dev4 (writer Q, 2026-12-02) has no other section; dev6 (writer
# T, fourth session of 2026-12-02) has small talk besides; dev11 (writer AI, 2026-12-03) and dev12
# (writer AL, 2026-12-03) have missing and personal-data questions.
DEV_MISSING_SETS = (*DEV_GUIDED_SETS, "dev4", "dev6", "dev11", "dev12")
GUIDED_SETS = (*DEV_GUIDED_SETS, "heldout")
MISSING_SETS = (*DEV_MISSING_SETS, "heldout")
# Articles and small talk only: dev3 (writer M, 2026-12-02) has no other section; dev8 (writer X,
# 2026-12-03) and dev10 (writer AD, 2026-12-03) are small talk only; dev9 (writer AA, 2026-12-03) has
# personal data and small talk.
DEV_ARTICLE_SETS = (*DEV_GUIDED_SETS, "dev3", "dev8", "dev9", "dev10")
DEV_PERSONAL_SETS = (*DEV_GUIDED_SETS, "dev9", "dev11", "dev12")
PERSONAL_SETS = (*DEV_PERSONAL_SETS, "heldout")
ARTICLE_SETS = (*DEV_ARTICLE_SETS, "heldout")


def _show_refused(args: argparse.Namespace, dev_sets: tuple[str, ...]) -> bool:
    """`--show` lists failed cases, so only on a dev set: a held-out set is read for its figures
    only, and its questions never guide a change."""
    if args.show and args.set not in dev_sets:
        print("--show n'est possible que sur le jeu de dev.", file=sys.stderr)
        return True
    return False


def cmd_kb_safety(args: argparse.Namespace) -> int:
    from bot.engine.render import Renderer
    from bot.tools.safety_eval import evaluate, load_cases, report

    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), NoScanner(), config.engine)
    renderer = Renderer(engine.kb)
    if _show_refused(args, DEV_SAFETY_SETS):
        return 2
    names = list(SAFETY_SETS) if args.set == "all" else [args.set]
    for name in names:
        cases = load_cases(DATA_DIR / f"safety_{name}.toml")
        print(report(evaluate(engine, renderer, cases), name, show=args.show))
    return 0


def cmd_kb_personal(args: argparse.Namespace) -> int:
    from bot.tools.personal_eval import evaluate, load_cases, report

    if _show_refused(args, DEV_PERSONAL_SETS):
        return 2
    config = _config(args)
    # The real scanner: what is measured is how the masked question is matched.
    engine = Engine.load(_knowledge_dir(args, config), settings=config.engine)
    renderer = Renderer(engine.kb)
    names = list(PERSONAL_SETS) if args.set == "all" else [args.set]
    for name in names:
        cases = load_cases(DATA_DIR / f"guided_{name}.toml")
        print(report(evaluate(engine, renderer, cases), name, show=args.show))
    return 0


def cmd_kb_lengths(args: argparse.Namespace) -> int:
    from bot.tools.lengths import SETS, report, run

    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), settings=config.engine)
    names = SETS if args.set == "all" else () if args.set == "fiches" else (args.set,)
    for measured in run(engine, Renderer(engine.kb), names):
        print(report(measured))
    return 0


def cmd_kb_guided(args: argparse.Namespace) -> int:
    from bot.tools.guided_eval import evaluate_complete, evaluate_missing, load_guided, report

    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), NoScanner(), config.engine)
    if _show_refused(args, DEV_MISSING_SETS):
        return 2
    names = list(MISSING_SETS) if args.set == "all" else [args.set]
    for name in names:
        missing, complete = load_guided(DATA_DIR / f"guided_{name}.toml")
        verdicts = evaluate_missing(engine, missing)
        print(report(verdicts, evaluate_complete(engine, complete), name, show=args.show))
    return 0


def cmd_kb_articles(args: argparse.Namespace) -> int:
    from bot.tools.articles_eval import evaluate, load_cases, report

    if _show_refused(args, DEV_ARTICLE_SETS):
        return 2
    config = _config(args)
    engine = Engine.load(_knowledge_dir(args, config), NoScanner(), config.engine)
    for name in list(ARTICLE_SETS) if args.set == "all" else [args.set]:
        articles, talk = load_cases(DATA_DIR / f"guided_{name}.toml")
        print(report(name, *evaluate(engine, articles, talk), show=args.show))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.tools.bench import run_bench

    config = _config(args)
    print(run_bench(_knowledge_dir(args, config), config.engine, synthetic=args.synthetic))
    return 0
