"""Articles of code by their number: the ones the sources cite, and finding them in a message (pure).

People type an article the way they remember it: "226-13 c quoi", "que dit le 60-1 ?",
"l'art 40 ça s'applique à nous ?", "c koi l article L 226-2-2 du casf", "le L. 226-4 casf".
A number with a dash is distinctive enough on its own; a number without one ("40", "109")
is an article only after "art"/"article", with an "L", or beside the name of a code, so that
"17 ans" or "3 750 €" never become articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.knowledge import Entry, Source
from bot.engine.normalize import fold
from bot.engine.number_words import digits

# The codes, by the key used everywhere (datasets, JSON), with the words that name them once
# folded. Matched as whole words: "penal" is not "penale", so "procédure pénale" is never the CP.
CODES: Mapping[str, tuple[str, ...]] = {
    "CPP": ("code de procedure penale", "procedure penale", "cpp"),
    "CASF": ("code de l action sociale et des familles", "action sociale", "casf"),
    "CSI": ("code de la securite interieure", "securite interieure", "csi"),
    "CSP": ("code de la sante publique", "sante publique", "csp"),
    "CP": ("code penal", "penal", "cp"),
}
# In a reference, by substring: no code's full name is inside another's.
_CODE_OF_REFERENCE = (
    ("code de procedure penale", "CPP"),
    ("code de l action sociale et des familles", "CASF"),
    ("code de la securite interieure", "CSI"),
    ("code de la sante publique", "CSP"),
    ("code penal", "CP"),
)
CODE_NAMES = {
    "CP": "code pénal",
    "CPP": "code de procédure pénale",
    "CASF": "code de l'action sociale et des familles",
    "CSI": "code de la sécurité intérieure",
    "CSP": "code de la santé publique",
}

# In a reference: "article L. 226-2-1", "articles 56-1 à 56-5"; what follows a parenthesis is an
# older or parallel numbering ("(article 8 de la loi n° 2007-297)") and is not this code's article.
_REF_NUMBER = re.compile(r"(?:L\.?\s*)?(\d{1,4}(?:-\d{1,3}){0,3})")
_ALINEA = re.compile(r",?\s*alin[ée]a\s*\d+")
_RANGE = re.compile(r"(\d{1,4}(?:-\d{1,3})*)-(\d{1,3})\s+à\s+(?:L\.?\s*)?\1-(\d{1,3})")
# In a message, once folded: an optional cue ("art", "article", "l'art."), an optional "L", the number.
_CUE = r"(?:\b(?:articles?|arts?)\b\.?\s*)"
_ASKED = re.compile(
    rf"(?P<cue>{_CUE})?(?<![\w-])(?P<l>l\s*\.?\s*)?(?P<num>\d{{1,4}}(?:\s?-\s?\d{{1,3}}){{0,3}})(?![\w-])"
)

# Dictated or typed fast, the dashes go: "l 121 6 2", "226 13", "le 60 1". Read as an article
# only when the joined number is one the base knows and it opens with two digits or more, so
# "2 enfants de 6 8 ans" stays words.
_SPACED = re.compile(
    rf"(?P<cue>{_CUE})?(?<![\w-])(?P<l>l\s*\.?\s*)?(?P<num>\d{{2,4}}(?:\s+\d{{1,3}}){{1,3}})(?![\w-])"
)

# Words that only ask what an article says: "226-13 c quoi", "que dit le 60-1 ?", "L121-6-2 en
# gros ?". A message made of these, an article and a code is about the article, whatever entry
# matches; any other word makes it a situation that names an article.
_ONLY_ASKING = frozenset(
    """c ca sa ce cet cest est es quoi koi kwa que qu quel quelle dit dis disent dire veut signifie
    en gros bref resume resumer explique expliquer expliquez explication moi nous me il elle
    le la l les du de des d un une art article articles code al alinea contenu texte sur stp svp
    prevoit prevoient parle concerne kesako keske ya y a t on sait aide sens""".split()
)


def display(number: str) -> str:
    """ "L121-6-2" -> "L. 121-6-2", the way the codes print it."""
    return f"L. {number[1:]}" if number.startswith("L") else number


def sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number_key(number).split("-") if p)


def number_key(text: str) -> str:
    """ "L. 226-2-2", "l226-2-2", "226 - 2-2" -> "226-2-2": the digits and dashes only."""
    return re.sub(r"[^\d-]", "", text)


@dataclass(frozen=True)
class Article:
    """One article of one code, as a source of the base cites it."""

    number: str  # as people write it: "226-13", "L121-6-2"
    code: str  # a key of CODES
    source: Source
    entries: tuple[tuple[str, str], ...]  # (entry id, title) of the entries that cite it

    @property
    def label(self) -> str:
        """ "Article L. 121-6-2 du code de l'action sociale et des familles"."""
        return f"Article {display(self.number)} du {CODE_NAMES[self.code]}"


@dataclass(frozen=True)
class ArticleCard:
    """What a message asked about: the number as recognised and the articles that bear it."""

    asked: str
    articles: tuple[Article, ...]

    @property
    def shared(self) -> bool:
        """One number in several codes (none named): each code's article is shown."""
        return len({number_key(a.number) for a in self.articles}) == 1 < len(self.articles)

    def cited_by(self, entry: Entry) -> bool:
        return any(a.source.id in entry.sources for a in self.articles)

    def entries(self) -> tuple[tuple[str, str], ...]:
        """The entries that rest on the article(s), without repeats, the most specific first."""
        return tuple(dict.fromkeys(e for a in self.articles for e in a.entries))


def only_asks(text: str) -> bool:
    """True when the message holds nothing but an article, a code and "what does it say" words."""
    folded = re.sub(r"[^\w ]", " ", digits(fold(text)).replace("'", " ").replace("’", " "))
    folded = _ASKED.sub(" ", _SPACED.sub(" ", folded))
    for names in CODES.values():
        for name in names:
            folded = re.sub(rf"\b{name}\b", " ", folded)
    return all(w in _ONLY_ASKING for w in folded.split())


@dataclass(frozen=True)
class Mention:
    number: str  # a number_key
    cued: bool  # "art", "article" or "L" before it, or a code named in the message
    spaced: bool = False  # "226 13": its parts read apart are not articles


def code_of_reference(reference: str) -> str | None:
    folded = fold(reference).replace("'", " ")
    return next((key for name, key in _CODE_OF_REFERENCE if name in folded), None)


def reference_numbers(reference: str) -> tuple[str, ...]:
    """The article numbers of a reference, ranges expanded: "56-1 à 56-5" gives 56-1 … 56-5."""
    head = _ALINEA.sub("", reference.split("(")[0])
    numbers: list[str] = []
    for m in _RANGE.finditer(head):
        numbers += [f"{m.group(1)}-{i}" for i in range(int(m.group(2)), int(m.group(3)) + 1)]
    numbers += [m.group(0).strip() for m in _REF_NUMBER.finditer(head)]
    return tuple(dict.fromkeys(_written(n) for n in numbers))


def _written(number: str) -> str:
    """ "L. 226-4" -> "L226-4", "60-1" stays: the form the datasets and `!article` use."""
    digits = number_key(number)
    return f"L{digits}" if number.lstrip().upper().startswith("L") else digits


def codes_named(folded: str) -> frozenset[str]:
    text = f" {folded.replace(chr(39), ' ')} "
    return frozenset(key for key, names in CODES.items() if any(f" {n} " in text for n in names))


def mentions(text: str) -> tuple[Mention, ...]:
    # « deux cent vingt six treize », dictated: 226 13, read as the spaced number it is.
    folded = digits(" ".join(fold(text).replace("’", "'").split()))
    named = bool(codes_named(re.sub(r"[^\w' ]", " ", folded)))
    found: list[Mention] = []
    for m in _SPACED.finditer(folded):
        number = "-".join(m.group("num").split())
        found.append(Mention(number, bool(m.group("cue") or m.group("l") or named), spaced=True))
    for m in _ASKED.finditer(folded):
        number = number_key(m.group("num"))
        cued = bool(m.group("cue") or m.group("l") or named)
        found.append(Mention(number, cued))
    return tuple(found)


class ArticleIndex:
    """The base's code articles by number; built once per loaded base."""

    def __init__(self, sources: Mapping[str, Source], entries: Mapping[str, Entry]) -> None:
        by_number: dict[str, list[Article]] = {}
        for source in sources.values():
            code = code_of_reference(source.reference) if source.kind == "code" else None
            if code is None:
                continue
            # The entries citing it, the most specific first: those whose first source it is.
            citing = sorted(
                (e for e in entries.values() if source.id in e.sources),
                key=lambda e: (e.sources.index(source.id), len(e.sources), e.id),
            )
            for number in reference_numbers(source.reference):
                article = Article(number, code, source, tuple((e.id, e.title) for e in citing))
                by_number.setdefault(number_key(number), []).append(article)
        self.by_number = {k: tuple(v) for k, v in by_number.items()}

    def card(self, text: str) -> ArticleCard | None:
        """The known articles the message names, each in the code it names if it names one."""
        named = codes_named(re.sub(r"[^\w' ]", " ", fold(text)))
        found: list[Article] = []
        asked = ""
        spaced = False
        for mention in mentions(text):
            known = self.by_number.get(mention.number)
            if known is None or not ("-" in mention.number or mention.cued):
                continue
            if mention.spaced:
                spaced = True
            elif spaced and "-" not in mention.number:
                continue  # a part of a spaced number already read ("40" in "40 2")
            asked = asked or mention.number
            found += [a for a in known if a.code in named] or known
        return ArticleCard(asked, tuple(dict.fromkeys(found))) if found else None

    def card_for(self, question: str, answered: Entry | None, decided: bool) -> ArticleCard | None:
        """The card a question gets, or None when its entry answer stands.

        "que dit le 60-1 ?" only asks what the article says: the card. "l'art 40 ça s'applique à
        nous ?" is a situation: its answered entry stays if it cites the article, and the answer
        stays whenever a rule decides and an entry answers or is offered (a police request stays
        escalated, a danger keeps its entry). `decided` says so.
        """
        card = self.card(question)
        if card is None or only_asks(question):
            return card
        if decided or (answered is not None and card.cited_by(answered)):
            return None
        return card

    def lookup(self, argument: str) -> ArticleCard | None:
        """`!article 226-13`, `!article L. 226-4 casf`: the number is given, no cue needed."""
        card = self.card(argument)
        if card is not None:
            return card
        digits = number_key(argument.split()[0]) if argument.split() else ""
        known = self.by_number.get(digits)
        return ArticleCard(digits, known) if known else None

    def closest(self, argument: str, limit: int = 3) -> tuple[str, ...]:
        """Known numbers that look like an unknown one: same first part, then by edit distance."""
        from rapidfuzz import process

        asked = number_key(argument)
        if not asked:
            return ()
        head = asked.split("-")[0]
        same = [n for n in self.by_number if n.split("-")[0] == head]
        rest = [m[0] for m in process.extract(asked, list(self.by_number), limit=limit)]
        ordered = list(dict.fromkeys([*sorted(same), *rest]))
        return tuple(display(self.by_number[n][0].number) for n in ordered[:limit])
