"""Decision rules: facts seen in the question, then rules with priorities and explicit overrides."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from bot.engine.kb_entries import literal_pattern
from bot.engine.knowledge import Rule
from bot.engine.normalize import STOPWORDS, Normalizer, literal_stems


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
        self,
        facts: Mapping[str, Sequence[str]],
        rules: Sequence[Rule],
        normalizer: Normalizer,
        exceptions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        # A pattern between « » is matched word for word, function words kept (« ce soir »);
        # the others on normalised tokens, thesaurus applied (« appeler la police » also matches
        # « appeler les gendarmes »).
        patterns: dict[str, tuple[tuple[str, ...], ...]] = {}
        literals: dict[str, tuple[tuple[str, ...], ...]] = {}
        for name, pats in facts.items():
            plain, literal = [], []
            for x in pats:
                inner = literal_pattern(x)
                if inner is None:
                    plain.append(tuple(normalizer.tokens(x)))
                else:
                    literal.append(tuple(literal_stems(normalizer.words(inner))))
            patterns[name] = tuple(p for p in plain if p)
            literals[name] = tuple(p for p in literal if p)
        # Indexed by first token: a question is scanned once, whatever the number of patterns
        # (about 900 since the danger words; a scan of each was 1 ms a question and 3 s at start).
        self._plain_multi = _by_leading_tokens(
            (name, p) for name, pats in patterns.items() for p in pats if len(p) > 1
        )
        # A fact's exceptions (rules.toml [exceptions]): phrases in which its word-for-word patterns
        # do not count (« maintenant » is no emergency in « je fais quoi maintenant ? »).
        guarded = {n: ps for n, ps in (exceptions or {}).items() if n in literals}
        self._literal = _by_leading_tokens(
            (name, p) for name, pats in literals.items() if name not in guarded for p in pats
        )
        self._guarded = _by_leading_tokens((n, p) for n in guarded for p in literals[n])
        phrases = (
            (n, tuple(literal_stems(normalizer.words(literal_pattern(x) or x))))
            for n, ps in guarded.items()
            for x in ps
        )
        self._exceptions = _by_leading_tokens((n, p) for n, p in phrases if p)
        # A fact with exceptions and patterns not written word for word (« police »): seen only if
        # one of those patterns is still there once the exception phrases are taken out (« connu
        # des gendarmes » names the police without the police asking anything).
        self._plain_guarded = frozenset(n for n in guarded if patterns.get(n))
        self._patterns = patterns
        self._normalizer = normalizer
        single: dict[str, set[str]] = {}
        for name, plain_patterns in patterns.items():
            for p in plain_patterns:
                if len(p) == 1:
                    single.setdefault(p[0], set()).add(name)
        self._single = {t: frozenset(names) for t, names in single.items()}
        self.rules = tuple(sorted(rules, key=lambda r: (-r.priority, r.id)))

    def facts(self, tokens: Sequence[str], literal: Sequence[str] = ()) -> frozenset[str]:
        found: set[str] = set()
        toks = tuple(tokens)
        for t in set(toks):
            found.update(self._single.get(t, ()))
        _scan(toks, self._plain_multi, found)
        lit = tuple(literal)
        _scan(lit, self._literal, found)
        if self._guarded:
            spans = _spans(lit, self._exceptions)
            word_for_word: set[str] = set()
            _scan(lit, self._guarded, word_for_word, spans)
            for name in self._plain_guarded & found & spans.keys() - word_for_word:
                if not self._seen_outside(name, lit, spans[name]):
                    found.discard(name)
            found |= word_for_word
        return frozenset(found)

    def _seen_outside(self, name: str, literal: tuple[str, ...], spans: list[range]) -> bool:
        """Whether a pattern of `name` not written word for word is still seen in the question
        once its exception phrases are taken out (the literal tokens are already stemmed: the
        function words go and the thesaurus applies, as for the question's own tokens)."""
        rest = [t for i, t in enumerate(literal) if not any(i in r for r in spans)]
        toks = tuple(self._normalizer.apply_thesaurus([t for t in rest if t not in STOPWORDS]))
        for pattern in self._patterns[name]:
            n = len(pattern)
            if any(toks[i : i + n] == pattern for i in range(len(toks) - n + 1)):
                return True
        return False

    def evaluate(self, tokens: Sequence[str], literal: Sequence[str] = ()) -> RuleOutcome:
        return self.judge(self.facts(tokens, literal))

    def judge(self, facts: frozenset[str]) -> RuleOutcome:
        """The rules a set of facts fires: a question's, or a question's plus a clarification's."""
        matching = [
            r
            for r in self.rules
            if all(any(f in facts for f in group) for group in r.when)
            and not any(f in facts for f in r.unless)
        ]
        overridden = _defeated(matching)
        fired = tuple(r for r in matching if r.id not in overridden)
        return RuleOutcome(facts, fired, tuple(sorted(overridden)))


# Patterns by their first two tokens (one for a one-word pattern): a question's position is
# looked up by its own two tokens, so only the patterns that can start there are compared. By the
# first token alone, « a », « la » or « le » each led to a hundred patterns or more (0.24 ms of
# every question, 0.35 s at start for the phrasings' fact profiles).
Index = dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]


def _defeated(matching: Sequence[Rule]) -> frozenset[str]:
    """The matching rules an exception sets aside: those overridden by a matching rule that is
    not itself set aside. An exception that yields to a more precise one no longer defeats the
    general rule (a « suivi aussi par la PJJ » that sets the requisition aside gives the child's
    danger rule back, which the requisition alone had set aside). Rules caught in a cycle of
    overrides all stand aside, as any overridden rule did before."""
    beaten_by: dict[str, list[str]] = {r.id: [] for r in matching}
    for r in matching:
        for o in r.overrides:
            if o in beaten_by:
                beaten_by[o].append(r.id)
    stands: dict[str, bool] = {}
    changed = True
    while changed:
        changed = False
        for rid, by in beaten_by.items():
            if rid in stands:
                continue
            if any(stands.get(b) is True for b in by):
                stands[rid] = False
            elif all(stands.get(b) is False for b in by):
                stands[rid] = True
            else:
                continue
            changed = True
    return frozenset(rid for rid in beaten_by if not stands.get(rid, False))


def _by_leading_tokens(items: Iterable[tuple[str, tuple[str, ...]]]) -> Index:
    index: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    for name, pattern in items:
        index.setdefault(pattern[:2], []).append((name, pattern))
    return {k: tuple(v) for k, v in index.items()}


def _starting_at(tokens: tuple[str, ...], i: int, index: Index) -> Iterator[tuple[str, int]]:
    """The facts whose pattern sits in `tokens` from position `i`, with the pattern's last position."""
    t = tokens[i]
    keys = ((t,), (t, tokens[i + 1])) if i + 1 < len(tokens) else ((t,),)
    for key in keys:
        for name, pattern in index.get(key, ()):
            n = len(pattern)
            if n <= 2 or tokens[i : i + n] == pattern:
                yield name, i + n - 1


def _scan(
    tokens: tuple[str, ...],
    index: Index,
    found: set[str],
    spans: Mapping[str, list[range]] | None = None,
) -> None:
    """Add the facts whose pattern starts at some position of `tokens`; with `spans`, a match
    that lies inside one of its fact's exception phrases does not count."""
    for i in range(len(tokens)):
        for name, end in _starting_at(tokens, i, index):
            if name in found:
                continue
            if spans is None or not any(i in r and end in r for r in spans.get(name, ())):
                found.add(name)


def _spans(tokens: tuple[str, ...], index: Index) -> dict[str, list[range]]:
    """Where each fact's exception phrases sit in `tokens`."""
    spans: dict[str, list[range]] = {}
    for i in range(len(tokens)):
        for name, end in _starting_at(tokens, i, index):
            spans.setdefault(name, []).append(range(i, end + 1))
    return spans
