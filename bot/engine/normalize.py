"""Text normalisation shared by questions, FAQ phrasings, thesaurus terms and rule facts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

# Messages can be 100 KB; nobody asks a question that long, and the cost of every stage grows with it.
MAX_QUESTION_CHARS = 1000

# The letters French elides before a vowel (« l'OPJ », « qu'on »); typed alone without the
# apostrophe on a phone (« on m a demande ») they are dropped too, in `raw_tokens`.
_BARE_ELISIONS = frozenset({"l", "d", "qu", "j", "n", "s", "c", "m", "t"})
# A verb with « t' » before it speaks to the bot (« ce qu'on t'écrit », « je peux t'appeler ») and
# says what the worker does with Repère, not what the question is about; « t'es », « t'as » are
# « tu es », « tu as ». Left out of the ranking only: the rules still read the whole message.
_TO_YOU = re.compile(r"\bt['’`´‘]\s*(?!(?:es|as|etais|étais|auras)\b)\w+", re.IGNORECASE)


def without_verbs_to_you(text: str) -> str:
    """The text the ranking reads: the verbs addressed to the bot blanked."""
    return _TO_YOU.sub(" ", text)


_REFLEXIVE = re.compile(r"\bs['’`´‘]")
_ELISION = re.compile(
    r"\b(?:" + "|".join(sorted(_BARE_ELISIONS | {"jusqu", "lorsqu", "puisqu"})) + r")['’`´‘]",
    re.IGNORECASE,
)
# "60-1", "226-13", "l411-3": keep article numbers as one token instead of splitting on the hyphen.
_ARTICLE = re.compile(r"(?<=\d)[-.](?=\d)")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Function words and chat fillers ("stp", "bjr") that carry no meaning for matching.
STOPWORDS: frozenset[str] = frozenset(
    """
    a ai aie aient apres avant avec entre vers lors aies ait alors as au aucun aucune aupres
    auquel aura aurai auraient aurais aurait aux avai avais avait avez aviez avions avoir avons
    ayant b bah ben bon bonjour bonsoir c ca car ce ceci cela celle celles celui cet cette ceux
    chaque chez ci coucou d dans de des donc dont du e elle elles en encore es est et etaient
    etais etait etc ete etes etre eu eux f fais fait faites g h hello hein i il ils j je jsuis l
    la le les leur leurs lui m ma mais me meme merci mes moi mon n ne ni nos notre nous o on ont
    ou oui par parce pas peu pour pourquoi pr qd quand que quel quelle quelles quels qui quoi s
    sa sais sait salut sans se ses si sinon soit sommes son sont sous stp suis sur svp t ta te
    tes toi ton tous tout toute toutes tres tu u un une v vais vas voila vos votre vous vs w x y
    z ds bjr slt comme dune dun chui chuis
    """.split()
)

_VOWELS = frozenset("aeiouy")


# Ligatures have no decomposition: without this "sœur" would split into "s" and "ur".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


# Only the characters outside ASCII can be combining marks: testing those alone, not every letter,
# made `fold` three times faster, and it runs on every phrasing and lemma at start.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


def fold(text: str) -> str:
    """NFKC, then accents removed, ligatures spelt out and case folded."""
    if text.isascii():  # NFKC and NFD leave ASCII as it is
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFD", text)
    return _NON_ASCII.sub(_drop_combining, decomposed).casefold()


def raw_tokens(text: str) -> list[str]:
    """Fold, strip elisions, punctuation and emoji; stopwords are still there."""
    text = fold(text[:MAX_QUESTION_CHARS])
    # The reflexive « s' » stays, as « se » (a stopword): « il s'est battu » (a fight) is then
    # not « il est battu » (beaten) for the word-for-word patterns and their exceptions.
    text = _REFLEXIVE.sub("se ", text)
    text = _ELISION.sub(" ", text)
    text = _ARTICLE.sub("", text)
    words = _NON_WORD.sub(" ", text).split()
    # « on m a demande », « qu on »: the elision without its apostrophe. « L. 226-2-2 » keeps its L.
    return [
        "se" if w == "s" and after and not after[0].isdigit() else w
        for w, after in zip(words, [*words[1:], ""], strict=False)  # one longer when empty
        if not (w in _BARE_ELISIONS and w != "s" and after and not after[0].isdigit())
    ]


_LONG_SUFFIXES = (
    "issement",
    "ement",
    "eraient",
    "erions",
    "erait",
    "eriez",
    "erons",
    "eront",
    "aient",
    "erez",
    "erai",
    "iez",
    "ait",
    "ai",
)


# Words whose stem would be another word's: « procuration » (a relative's bank mandate) would stem
# to « procur », the stem of « procureur », and read as the justice asking.
_UNSTEMMED = frozenset({"procuration", "procurations"})


def light_stem(word: str) -> str:
    """Strip French plural, feminine and common verb endings, keeping at least four letters.

    Why light stemming: on the dev set (2026-11-25, 516 phrasings) it gave 93.4 % top-1 and ranked
    the right entry first for 175 of 180 answerable questions, against 92.5 % / 174 for Snowball,
    91.6 % / 172 for simplemma lemmas and 90.3 % / 169 with no stemming (docs/matching.md).
    Snowball also conflates domain words ("donnerais" -> "don"), and simplemma turns "Puis-je"
    into "puis-moi".
    """
    if len(word) <= 4 or not word.isalpha() or word in _UNSTEMMED:
        return word
    if word[-1] in "sx":
        word = word[:-1]
    for suffix in _LONG_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 5 and word[-2:] in ("er", "ez"):
        word = word[:-2]
    while len(word) > 4 and word[-1] == "e":
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


def stems(toks: Iterable[str]) -> list[str]:
    """Stopwords dropped, the rest stemmed."""
    return [light_stem(t) for t in toks if t not in STOPWORDS]


# Phone spellings of function words, read in full for the patterns written « word for word »
# (« seul dans l'appart » also in « tout seul ds l'appart »): patterns and questions alike.
SMS_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "ds": "dans",
        "pr": "pour",
        "qd": "quand",
        "ac": "avec",
        "tt": "tout",
        "tte": "toute",
        "ts": "tous",
        "tjs": "toujours",
        "tjrs": "toujours",
        "bcp": "beaucoup",
        "mtn": "maintenant",
    }
)


def literal_stems(words: Iterable[str]) -> list[str]:
    """Every word stemmed, function words kept, phone spellings read in full."""
    return [light_stem(SMS_WORDS.get(w, w)) for w in words]


def collapses(term: str) -> str | None:
    """The single word a multi-word term shrinks to once stopwords go, if it does.

    "tout de suite" becomes "suit", which would then replace every "suit" ("il est suivi").
    """
    toks = raw_tokens(term)
    kept = stems(toks)
    return kept[0] if len(toks) > 1 and len(kept) == 1 else None


@dataclass(frozen=True)
class SynonymGroup:
    canonical: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Normalizer:
    """Turns text into the token list used for matching and for rule facts.

    Order: NFKC and accents, case, elision, punctuation and emoji, typo correction against the
    knowledge base's own vocabulary, stopwords, light stemming, thesaurus (longest match first).
    """

    known: frozenset[str] = frozenset()
    targets: tuple[str, ...] = ()
    lexicon: Container[str] = frozenset()
    phrases: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    max_phrase_len: int = 1

    @classmethod
    def build(
        cls,
        match_texts: Iterable[str],
        groups: Sequence[SynonymGroup],
        known_texts: Iterable[str] = (),
        lexicon: Container[str] = frozenset(),
    ) -> Normalizer:
        """Build from the texts questions are matched against, the thesaurus and a lexicon.

        Typos are corrected towards words of `match_texts` and the thesaurus; words of the
        words of `known_texts` (entry bodies, rule facts) and of `lexicon` (spaCy's French forms) are
        real words and are never "corrected".
        """
        targets: set[str] = set()
        for text in match_texts:
            targets.update(raw_tokens(text))
        phrases: dict[tuple[str, ...], str] = {}
        for group in groups:
            canonical = "_".join(stems(raw_tokens(group.canonical)))
            for term in (group.canonical, *group.terms):
                toks = raw_tokens(term)
                targets.update(toks)
                key = tuple(stems(toks))
                if key:
                    phrases[key] = canonical
        targets -= STOPWORDS
        known = set(targets | STOPWORDS)
        for text in known_texts:
            for i in range(0, len(text), MAX_QUESTION_CHARS):
                known.update(raw_tokens(text[i : i + MAX_QUESTION_CHARS]))
        max_len = max((len(k) for k in phrases), default=1)
        usable = tuple(sorted(w for w in targets if len(w) >= 4 and w.isalpha()))
        return cls(frozenset(known), usable, lexicon, phrases, max_len)

    def correct(self, token: str) -> str:
        """Map an unknown word to the closest target: one edit from 5 letters, two from 9.

        Shorter words are left alone ("cdas" is one edit from "cas"); real words too ("subit" is one
        edit from "suit"). From 5 letters instead of 6: on the dev set with random one-letter
        typos, top-1 rose from 92.2-92.5 % to 92.7-93.7 % over three seeds, clean text unchanged.
        """
        if (
            len(token) < 5
            or token in self.known
            or not token.isalpha()
            or token in self.lexicon
            or not self.targets
        ):
            return token
        max_edits = 1 if len(token) <= 8 else 2
        hit = process.extractOne(
            token, self.targets, scorer=DamerauLevenshtein.distance, score_cutoff=max_edits
        )
        return hit[0] if hit is not None else token

    def _is_word(self, token: str) -> bool:
        return token in self.known or token in self.lexicon

    def _unglue(self, token: str) -> str:
        """Texting contractions: "jlui", "jdois", "quil" lose the glued elided pronoun."""
        if self._is_word(token) or not token.isalpha():
            return token
        for prefix in ("qu", "j", "d", "l", "m", "t", "s", "n", "c"):
            rest = token[len(prefix) :]
            # A short rest must be a word of the base or a stopword: spaCy's tables lack some
            # invariable words ("trois", "mois"), which would otherwise lose a letter ("rois").
            if not token.startswith(prefix) or len(rest) < 2:
                continue
            if rest in self.known or (len(rest) >= 5 and rest in self.lexicon):
                return rest
        return token

    def words(self, text: str) -> list[str]:
        """Folded words after contraction splitting and typo correction, before stemming.

        With a lexicon, a word that is neither French nor in the base ("qqch", "jsp", a typo too
        far from any known word) is dropped: it would otherwise weigh as the rarest word of all.
        """
        out = []
        for raw in raw_tokens(text):
            token = self.correct(self._unglue(raw))
            if self.lexicon and token.isalpha() and not self._is_word(token):
                continue
            out.append(token)
        return out

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens, thesaurus applied."""
        return self.apply_thesaurus(stems(self.words(text)))

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """The normalised tokens and the literal ones, from one pass over the words.

        Literal tokens keep the function words and skip the thesaurus: rule facts written word for
        word (« ce soir », « en ce moment ») need them, since « le soir » is not « ce soir ».
        """
        words = self.words(text)
        return self.apply_thesaurus(stems(words)), literal_stems(words)

    def apply_thesaurus(self, stemmed: Sequence[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(stemmed):
            for n in range(min(self.max_phrase_len, len(stemmed) - i), 0, -1):
                canonical = self.phrases.get(tuple(stemmed[i : i + n]))
                if canonical is not None:
                    out.append(canonical)
                    i += n
                    break
            else:
                out.append(stemmed[i])
                i += 1
        return out
