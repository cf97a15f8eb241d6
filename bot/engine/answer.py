"""The answer engine: question text in, an `Answer` out. Pure once loaded: no I/O, no Matrix."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from bot.engine.articles import ArticleCard, ArticleIndex
from bot.engine.knowledge import Entry, KnowledgeBase, Source
from bot.engine.loading import load_knowledge
from bot.engine.masking import Screened, screen
from bot.engine.matcher import Calibration, Matcher, MatchWeights, Scored
from bot.engine.normalize import Normalizer, raw_tokens
from bot.engine.rules import RuleEngine, RuleOutcome
from bot.engine.safety_net import with_emergency
from bot.engine.smalltalk import SmallTalkMatcher

ANSWERED = "answered"
CLARIFY = "clarify"
NO_MATCH = "no_match"
ARTICLE = "article"  # the card of an article asked by its number (bot/engine/articles.py)
SMALLTALK = "smalltalk"  # a greeting, a thank-you, a goodbye (bot/engine/smalltalk.py)
# The rules.toml fact that marks a request for practical information, which the FAQ never holds.
PRACTICAL = "question.pratique"


class PersonalDataScanner(Protocol):
    def kinds(self, text: str) -> tuple[str, ...]: ...

    def screen(self, text: str) -> Screened: ...


class NoScanner:
    """Scanner that finds nothing, for tools that never see user text (kb export, synthetic bench)."""

    def kinds(self, text: str) -> tuple[str, ...]:
        return ()

    def screen(self, text: str) -> Screened:
        return screen(text, ())


@dataclass(frozen=True)
class EngineSettings:
    """Thresholds on the calibrated confidence; defaults tuned on the dev set (docs/matching.md)."""

    answer_threshold: float = 0.5
    clarify_margin: float = 0.08
    clarify_floor: float = 0.45
    # Below answer_threshold, a best guess that is a police or justice entry with at least this
    # confidence still brings the advice to go through the hierarchy: too unsure to answer, sure
    # enough that the question may be a police or justice request.
    escalate_floor: float = 0.3
    # Below answer_threshold, a danger entry (one a danger rule answers with) ranked with at least
    # this confidence is answered rather than « je ne sais pas »: a danger question whose words no
    # rule knows still reaches the emergency numbers. On the dev set, cross-validated: 5 more right
    # answers, 1 more off-topic question answered.
    danger_floor: float = 0.3
    max_candidates: int = 3
    weights: MatchWeights = MatchWeights()
    calibration: Calibration = Calibration()


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    title: str
    confidence: float


@dataclass(frozen=True)
class Answer:
    status: str
    entry_id: str | None
    confidence: float
    escalate: bool
    decision: str | None
    rules: tuple[str, ...]
    sources: tuple[Source, ...]
    personal_data: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    trace: tuple[str, ...]
    advice: tuple[str, ...] = ()
    article: ArticleCard | None = None
    smalltalk: str | None = None  # its kind: greeting, thanks, goodbye, about


def _entry_texts(entry: Entry, kb: KnowledgeBase) -> list[str]:
    """What a question is matched against: title, phrasings, tags and cited article numbers.

    The article numbers let "L 226-2-2 c quoi" find the entry that cites that article.
    """
    articles = [
        t
        for sid in entry.sources
        if sid in kb.sources
        for t in raw_tokens(kb.sources[sid].reference)
        if any(c.isdigit() for c in t)
    ]
    return [entry.title, *entry.questions, " ".join(entry.tags), " ".join(articles)]


def _card_answer(answer: Answer, card: ArticleCard, decision: str | None, limit: int) -> Answer:
    """An article asked by its number: its card, and the entries that rest on it to pick from."""
    return replace(
        answer,
        status=ARTICLE,
        entry_id=None,
        decision=decision,
        sources=tuple(a.source for a in card.articles),
        candidates=tuple(Candidate(eid, title, 0.0) for eid, title in card.entries()[:limit]),
        trace=(*answer.trace, f"Article demandé par son numéro : {card.asked}"),
        article=card,
    )


def is_practical(outcome: RuleOutcome) -> bool:
    """A practical question (opening hours, a form, the software) that no decision rule is about.

    A fired rule means the question is about a situation of the base: "ils veulent son adresse,
    on l'a dans le logiciel" is a requisition, not a question about the software.
    """
    return PRACTICAL in outcome.facts and not outcome.fired


def _fact_profiles(
    kb: KnowledgeBase, rules: RuleEngine, analysed: dict[str, list[tuple[list[str], list[str]]]]
) -> dict[str, dict[str, float]]:
    """For each entry, the share of its phrasings in which each fact is seen."""
    profiles: dict[str, dict[str, float]] = {}
    for eid, entry in kb.entries.items():
        questions = analysed[eid][1 : 1 + len(entry.questions)]
        seen = Counter(f for tokens, literal in questions for f in rules.facts(tokens, literal))
        profiles[eid] = {f: n / len(questions) for f, n in seen.items()} if questions else {}
    return profiles


class Engine:
    """Holds the loaded knowledge base and its indexes; `answer` has no side effect."""

    def __init__(
        self,
        kb: KnowledgeBase,
        scanner: PersonalDataScanner,
        settings: EngineSettings | None = None,
        lexicon: Container[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.scanner = scanner
        self.settings = settings or EngineSettings()
        texts = [t for e in kb.entries.values() for t in _entry_texts(e, kb)]
        known = [e.body for e in kb.entries.values()]
        known += [p for patterns in kb.facts.values() for p in patterns]
        # Off-topic questions' words are real words, not typos of the base's vocabulary.
        known += kb.off_topic
        self.normalizer = Normalizer.build(texts, kb.synonyms, known, lexicon)
        analysed = {
            eid: [self.normalizer.analyse(t) for t in _entry_texts(e, kb)]
            for eid, e in kb.entries.items()
        }
        phrasings = {eid: [tokens for tokens, _ in texts] for eid, texts in analysed.items()}
        bodies = {eid: self.normalizer.tokens(e.body) for eid, e in kb.entries.items()}
        self.matcher = Matcher(
            phrasings,
            self.settings.weights,
            self.settings.calibration,
            bodies,
            [self.normalizer.tokens(q) for q in kb.off_topic],
        )
        self.rules = RuleEngine(kb.facts, kb.rules, self.normalizer)
        self.danger_entries = frozenset(
            e
            for r in kb.rules
            if r.always_answer and r.decision in ("signaler", "agir immédiatement")
            for e in r.entries
        )
        self.fact_profiles = _fact_profiles(kb, self.rules, analysed)
        spread: Counter[str] = Counter()
        for profile in self.fact_profiles.values():
            spread.update(profile)
        n = len(kb.entries)
        # A fact seen in every entry's phrasings says nothing; a rare one says much.
        self.fact_weights = {f: math.log((n + 1) / (k + 0.5)) for f, k in spread.items()}
        self.articles = ArticleIndex(kb.sources, kb.entries)
        self.smalltalk = SmallTalkMatcher(kb.smalltalk)

    @classmethod
    def load(
        cls,
        knowledge_dir: Path | str | None = None,
        scanner: PersonalDataScanner | None = None,
        settings: EngineSettings | None = None,
    ) -> Engine:
        from bot.engine.lexicon import load_lexicon

        lexicon = load_lexicon()
        if scanner is None:
            from bot.engine.privacy import PrivacyScanner

            scanner = PrivacyScanner(lexicon=lexicon)
        return cls(load_knowledge(knowledge_dir), scanner, settings, lexicon)

    def outcome(self, question: str) -> RuleOutcome:
        """The facts seen in a question and the rules they fire."""
        return self.rules.evaluate(*self.normalizer.analyse(question))

    def answer(self, question: str) -> Answer:
        kind = self.smalltalk.kind(question)
        if kind is not None:
            return Answer(SMALLTALK, None, 0.0, False, None, (), (), (), (), (), smalltalk=kind)
        # One scan: its kinds feed the warning, its spans are blanked before matching.
        screened = self.scanner.screen(question)
        tokens, literal = self.normalizer.analyse(screened.masked)
        outcome = self.rules.evaluate(tokens, literal)
        ranked = self.rank(tokens, outcome, limit=self.settings.max_candidates + 1)
        answer = self.decide(ranked, outcome, screened.kinds)
        entry = self.kb.entries.get(answer.entry_id or "") if answer.status == ANSWERED else None
        decided = outcome.decision is not None and answer.status != NO_MATCH
        card = self.articles.card_for(question, entry, decided)
        if card is None:
            return answer
        return _card_answer(answer, card, outcome.decision, self.settings.max_candidates + 2)

    def rank(self, tokens: Sequence[str], outcome: RuleOutcome, limit: int) -> list[Scored]:
        return self.matcher.rank(
            tokens,
            limit=limit,
            practical=is_practical(outcome),
            prior=self.prior(outcome),
        )

    def prior(self, outcome: RuleOutcome) -> Callable[[str], float]:
        """What the facts alone say about an entry, in [0, 1].

        Half comes from the fired rules (the entries they name), half from how often the facts
        seen in the question also appear in the entry's phrasings. Facts group words the
        thesaurus keeps apart: « sœur », « bailleur » and « employeur » are all a third party.
        Computed only for the entries the matcher asks about: a large base stays fast.
        """
        named = frozenset(outcome.entries)
        weights = {f: self.fact_weights.get(f, 0.0) for f in outcome.facts - {PRACTICAL}}
        total = sum(weights.values())
        profiles = self.fact_profiles

        def of(entry_id: str) -> float:
            value = 0.5 if entry_id in named else 0.0
            if total:
                profile = profiles.get(entry_id, {})
                value += 0.5 * sum(w * profile.get(f, 0.0) for f, w in weights.items()) / total
            return value

        return of

    def decide(
        self, ranked: Sequence[Scored], outcome: RuleOutcome, personal: tuple[str, ...]
    ) -> Answer:
        """Turn scores and rule outcome into an answer; split out so each stage can be timed."""
        s = self.settings
        status = NO_MATCH
        best = ranked[0] if ranked else None
        if best is not None and best.confidence >= s.answer_threshold:
            status = ANSWERED
            close = [
                r
                for r in ranked[1:]
                if r.confidence >= s.clarify_floor
                and best.confidence - r.confidence < s.clarify_margin
            ]
            if close:
                status = CLARIFY
        entry = self.kb.entries[best.entry_id] if best is not None and status != NO_MATCH else None
        # A danger signal never meets « je ne sais pas »: the danger rule's entry answers.
        rule_entry = outcome.answer_entry if status == NO_MATCH else None
        if rule_entry is not None and rule_entry in self.kb.entries:
            status = ANSWERED
            entry = self.kb.entries[rule_entry]
        near_danger = None
        if status == NO_MATCH:
            near_danger = next(
                (
                    r.entry_id
                    for r in ranked
                    if r.entry_id in self.danger_entries and r.confidence >= s.danger_floor
                ),
                None,
            )
            if near_danger is not None:
                status = ANSWERED
                entry = self.kb.entries[near_danger]

        candidates: tuple[Candidate, ...] = ()
        if status == CLARIFY:
            top = [
                r
                for r in ranked
                if best is not None and best.confidence - r.confidence < s.clarify_margin
            ]
            candidates = tuple(
                Candidate(r.entry_id, self.kb.entries[r.entry_id].title, round(r.confidence, 3))
                for r in top[: s.max_candidates]
            )
        elif status == NO_MATCH:
            # Not a guess: the entries a fired rule is about, offered as further reading.
            named = [eid for eid in outcome.entries if eid in self.kb.entries]
            candidates = tuple(
                Candidate(eid, self.kb.entries[eid].title, 0.0) for eid in named[: s.max_candidates]
            )
        else:
            candidates = tuple(
                Candidate(r.entry_id, self.kb.entries[r.entry_id].title, round(r.confidence, 3))
                for r in ranked[: s.max_candidates]
            )
        source_ids: list[str] = []
        if status == ANSWERED and entry is not None:
            source_ids.extend(entry.sources)
        elif status == CLARIFY:
            for c in candidates:
                source_ids.extend(self.kb.entries[c.entry_id].sources)
        source_ids.extend(outcome.source_ids)
        sources = tuple(self.kb.sources[sid] for sid in dict.fromkeys(source_ids))
        escalate = (
            outcome.escalate
            or (entry is not None and status == ANSWERED and entry.escalate)
            or (status == CLARIFY and any(self.kb.entries[c.entry_id].escalate for c in candidates))
            or (
                status == NO_MATCH
                and best is not None
                and best.confidence >= s.escalate_floor
                and self.kb.entries[best.entry_id].escalate
            )
        )
        decision = outcome.decision or (
            entry.decision if entry is not None and status == ANSWERED else None
        )
        trace = list(outcome.trace())
        if best is not None:
            trace.append(
                f"Meilleure fiche : « {best.entry_id} » (confiance {best.confidence:.2f} ; "
                f"mots {best.dice:.2f}, couverture {best.coverage:.2f}, proximité {best.fuzzy:.2f})"
            )
        else:
            trace.append("Aucune fiche ne partage de mot avec la question")
        if rule_entry is not None and entry is not None and entry.id == rule_entry:
            trace.append(f"Fiche donnée par la règle de danger : « {rule_entry} »")
        if near_danger is not None:
            trace.append(
                f"Fiche de danger proche, donnée plutôt que « je ne sais pas » : « {near_danger} »"
            )
        return Answer(
            status=status,
            entry_id=entry.id if entry is not None else None,
            confidence=round(best.confidence, 3) if best is not None else 0.0,
            escalate=escalate,
            decision=decision,
            rules=tuple(r.id for r in outcome.fired),
            sources=sources,
            personal_data=personal,
            candidates=candidates,
            trace=tuple(trace),
            advice=with_emergency(
                tuple(r.advice for r in outcome.fired if r.advice),
                self.kb.emergency,
                outcome.facts,
                [entry.id if entry is not None else None, *(c.entry_id for c in candidates)],
                self.danger_entries,
            ),
        )

    def answer_entry(self, entry_id: str) -> Answer:
        """The answer for an entry the user picked after a clarification."""
        entry = self.kb.entries[entry_id]
        return Answer(
            status=ANSWERED,
            entry_id=entry.id,
            confidence=1.0,
            escalate=entry.escalate,
            decision=entry.decision,
            rules=(),
            sources=tuple(self.kb.sources[sid] for sid in entry.sources),
            personal_data=(),
            candidates=(),
            trace=(f"Fiche choisie parmi les propositions : « {entry.id} »",),
            advice=with_emergency((), self.kb.emergency, (), [entry.id], self.danger_entries),
        )
