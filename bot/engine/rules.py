"""Decision rules: facts seen in the question, then rules with priorities and explicit overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.kb_entries import literal_pattern
from bot.engine.knowledge import Rule
from bot.engine.normalize import Normalizer, literal_stems


@dataclass(frozen=True)
class RuleOutcome:
    facts: frozenset[str]
    fired: tuple[Rule, ...]  # after overrides, highest priority first
    overridden: tuple[str, ...]

    @property
    def decision(self) -> str | None:
        """The decision of the highest-priority fired rule that gives one."""
        return next((r.decision for r in self.fired if r.decision), None)

    @property
    def escalate(self) -> bool:
        return any(r.escalate for r in self.fired)

    @property
    def answer_entry(self) -> str | None:
        """The entry a fired danger rule answers with when nothing matched well enough."""
        for r in self.fired:
            if r.always_answer and r.entries:
                return r.entries[0]
        return None

    @property
    def entries(self) -> tuple[str, ...]:
        """Entries named by the fired rules, highest priority first."""
        return tuple(dict.fromkeys(e for r in self.fired for e in r.entries))

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for r in self.fired for s in r.sources))

    def trace(self) -> tuple[str, ...]:
        """A short human-readable « pourquoi »: facts seen, rules applied, rules set aside."""
        lines = [f"Faits repérés : {', '.join(sorted(self.facts)) or 'aucun'}"]
        for r in self.fired:
            lines.append(f"Règle « {r.id} » ({r.decision or 'conseil seulement'}) : {r.why}")
        for rid in self.overridden:
            lines.append(f"Règle « {rid} » écartée par une règle plus précise")
        return tuple(lines)


class RuleEngine:
    def __init__(
        self, facts: Mapping[str, Sequence[str]], rules: Sequence[Rule], normalizer: Normalizer
    ) -> None:
        # A pattern between « » is matched word for word, function words kept (« ce soir »);
        # the others on normalised tokens, thesaurus applied (« appeler la police » also matches
        # « appeler les gendarmes »).
        self.patterns: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.literal: dict[str, tuple[tuple[str, ...], ...]] = {}
        for name, pats in facts.items():
            plain, literal = [], []
            for x in pats:
                inner = literal_pattern(x)
                if inner is None:
                    plain.append(tuple(normalizer.tokens(x)))
                else:
                    literal.append(tuple(literal_stems(normalizer.words(inner))))
            self.patterns[name] = tuple(p for p in plain if p)
            self.literal[name] = tuple(p for p in literal if p)
        self.rules = tuple(sorted(rules, key=lambda r: (-r.priority, r.id)))

    def facts(self, tokens: Sequence[str], literal: Sequence[str] = ()) -> frozenset[str]:
        found: set[str] = set()
        toks = tuple(tokens)
        lit = tuple(literal)
        present = set(toks)
        for name, patterns in self.patterns.items():
            if any(
                (pat[0] in present) if len(pat) == 1 else _contains(toks, pat) for pat in patterns
            ) or any(_contains(lit, pat) for pat in self.literal[name]):
                found.add(name)
        return frozenset(found)

    def evaluate(self, tokens: Sequence[str], literal: Sequence[str] = ()) -> RuleOutcome:
        facts = self.facts(tokens, literal)
        matching = [
            r
            for r in self.rules
            if all(any(f in facts for f in group) for group in r.when)
            and not any(f in facts for f in r.unless)
        ]
        overridden = {o for r in matching for o in r.overrides}
        fired = tuple(r for r in matching if r.id not in overridden)
        return RuleOutcome(facts, fired, tuple(sorted(overridden & {r.id for r in matching})))


def _contains(tokens: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    n = len(pattern)
    return any(tokens[i : i + n] == pattern for i in range(len(tokens) - n + 1))
