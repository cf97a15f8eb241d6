"""Reloading `knowledge/` while serving: all or nothing, and what changed."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine.answer import CLARIFY, Engine
from bot.engine.knowledge import KnowledgeBase, KnowledgeError
from bot.engine.loading import load_knowledge
from bot.engine.render import Renderer


@dataclass(frozen=True)
class KbDiff:
    entries_added: tuple[str, ...]
    entries_changed: tuple[str, ...]
    entries_removed: tuple[str, ...]
    rules_added: tuple[str, ...]
    rules_changed: tuple[str, ...]
    rules_removed: tuple[str, ...]

    def summary(self) -> str:
        parts = []
        for label, ids in (
            ("fiches ajoutées", self.entries_added),
            ("fiches modifiées", self.entries_changed),
            ("fiches retirées", self.entries_removed),
            ("règles ajoutées", self.rules_added),
            ("règles modifiées", self.rules_changed),
            ("règles retirées", self.rules_removed),
        ):
            if ids:
                parts.append(f"{label} : {', '.join(ids)}")
        return " ; ".join(parts) or "aucun changement de fiche ni de règle"


def diff(old: KnowledgeBase, new: KnowledgeBase) -> KbDiff:
    def same_entry(a: str) -> bool:
        return replace(old.entries[a], path="") == replace(new.entries[a], path="")

    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    common = sorted(set(old.entries) & set(new.entries))
    common_rules = sorted(set(old_rules) & set(new_rules))
    return KbDiff(
        tuple(sorted(set(new.entries) - set(old.entries))),
        tuple(e for e in common if not same_entry(e)),
        tuple(sorted(set(old.entries) - set(new.entries))),
        tuple(sorted(set(new_rules) - set(old_rules))),
        tuple(r for r in common_rules if old_rules[r] != new_rules[r]),
        tuple(sorted(set(old_rules) - set(new_rules))),
    )


def failing_rule_cases(engine: Engine) -> list[str]:
    """Rule test cases from rules.toml that the engine gets wrong, as French sentences."""
    failures = []
    for rule in engine.kb.rules:
        for case in rule.cases:
            outcome = engine.outcome(case.question)
            fired = [r.id for r in outcome.fired]
            if case.kind == "decides":
                deciding = next((r.id for r in outcome.fired if r.decision), None)
                if deciding != rule.id:
                    given = f"« {deciding} »" if deciding else "aucune règle"
                    failures.append(
                        f"rules.toml : règle « {rule.id} » devrait donner la décision sur "
                        f"« {case.question} » (décision donnée par {given})"
                    )
            elif (rule.id in fired) != case.fires:
                verb = "devrait" if case.fires else "ne devrait pas"
                failures.append(
                    f"rules.toml : règle « {rule.id} » {verb} se déclencher sur « {case.question} »"
                )
    return failures + failing_ask_cases(engine)


def failing_ask_cases(engine: Engine) -> list[str]:
    """clarify.toml test cases the engine gets wrong: a question it must ask, or must not."""
    failures = []
    for ask in engine.kb.asks:
        for case in ask.cases:
            answer = engine.answer(case.question)
            asked = answer.question == ask.question and answer.status == CLARIFY
            if asked != case.asks:
                verb = "devrait" if case.asks else "ne devrait pas"
                failures.append(
                    f"clarify.toml : la question « {ask.id} » {verb} être posée sur "
                    f"« {case.question} »"
                )
    return failures


class EngineHolder:
    """The engine being served; replaced whole by a successful reload, untouched by a failed one."""

    def __init__(self, engine: Engine, knowledge_dir: Path | None) -> None:
        self.engine = engine
        self.renderer = Renderer(engine.kb)
        self.knowledge_dir = Path(knowledge_dir or engine.kb.directory)
        self.loaded_at = time.time()
        self.errors: list[str] = []

    def reload(self) -> KbDiff | list[str]:
        try:
            kb = load_knowledge(self.knowledge_dir)
        except KnowledgeError as exc:
            self.errors = [str(p) for p in exc.problems]
            return self.errors
        old = self.engine
        new = Engine(kb, old.scanner, old.settings, old.normalizer.lexicon)
        failures = failing_rule_cases(new)
        if failures:
            self.errors = failures
            return failures
        changes = diff(old.kb, kb)
        self.engine, self.renderer = new, Renderer(kb)
        self.loaded_at = time.time()
        self.errors = []
        return changes
