"""Detect personal data in a question so the bot can warn without ever echoing it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
import spacy
from phonenumbers import Leniency, PhoneNumberType
from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.language import Language
from stdnum import iban as std_iban
from stdnum.fr import nir as std_nir

from bot.lexicon import Lexicon, load_lexicon
from bot.normalize import fold

KINDS: tuple[str, ...] = ("name", "phone", "email", "address", "nir", "birthdate", "iban")
PLACEHOLDERS: dict[str, str] = {
    "name": "[NOM]",
    "phone": "[TÉLÉPHONE]",
    "email": "[EMAIL]",
    "address": "[ADRESSE]",
    "nir": "[NIR]",
    "birthdate": "[DATE DE NAISSANCE]",
    "iban": "[IBAN]",
}
MAX_SCAN_CHARS = 4000

SPACY_MODEL = "fr_core_news_sm"
# Only the NER pipe is used; the others would cost ~1 s of startup and 130 MB for nothing.
SPACY_EXCLUDE = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"]

# POSSIBLE found no extra phone on the dev corpus; VALID also checks the number ranges.
_PHONE_LENIENCY = Leniency.VALID

# When two kinds overlap, the more specific (checksummed) one wins: a NIR is not a phone,
# a street named after a person is an address, a first name inside an email is the email.
_PRIORITY: tuple[str, ...] = ("iban", "nir", "email", "phone", "birthdate", "address", "name")


@dataclass(frozen=True)
class Finding:
    """One span of personal data in the scanned text."""

    kind: str
    start: int
    end: int


# --------------------------------------------------------------------------------------------
# Text normalisation: every replacement is one character for one character, so offsets found
# on the normalised text are valid on the original.


def _build_translation() -> dict[int, str]:
    """Map look-alike and invisible characters to plain ASCII of the same length."""
    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # fullwidth ASCII, used to dodge filters
        table[cp] = chr(cp - 0xFEE0)
    for cp in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        if chr(cp) not in "\t\n\r":
            table[cp] = " "
    invisible = [
        0x00A0, 0x061C, 0x180E, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF,
        *range(0x2000, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070),
    ]  # fmt: skip
    for cp in invisible:
        table[cp] = " "
    for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63):
        table[cp] = "-"
    for cp in (0x2018, 0x2019, 0x201B, 0x02BC, 0x2032):
        table[cp] = "'"
    return table


_TRANSLATION = _build_translation()


def _words(blob: str) -> frozenset[str]:
    return frozenset(fold(w) for w in blob.split())


# --------------------------------------------------------------------------------------------
# Word lists. They are folded (no accents, lowercase) before use.

# Common first names in France, French and of foreign origin. Used to recognise a name typed
# in lowercase ("jessica") or one that spaCy labels LOC/ORG (it often does).
_FIRST_NAMES = _words(
    """
    aaron abdel abdelkader abdallah abdou abdoulaye abdoul abel abigail adam adama adele adem
    adel adeline adil adrian adriana adrien agathe agnes ahmed ahmet aicha aida aime aissatou
    aksel alain alan albane albert alexandra alexandre alexandru alexis alice alicia aline alisson
    alix alizee allan alma amadou amandine amaury amel amelia amelie amina aminata amine amir
    amira anais anastasia anatole andre andrea andreea andrei angela angelique angelo anis anissa
    anna annabelle anne annick annie anouk anthony antoine antoinette antonio apolline arnaud arthur
    assia assa astrid audrey augustin aurelie aurelien awa axel axelle aya ayden ayline ayoub ayse
    bakary baptiste barbara bastien baya benjamin benoit bernadette bertrand betty bilal binta
    blandine bogdan boris boubacar brahim brandon brigitte bruno bryan camille carine carla carlos
    carmen carole caroline catherine cecile celia celine chantal charles charlie chloe christelle
    christian christine christophe christopher cindy claire clara clarisse claude claudine clemence
    clementine cloe coline colin corentin corinne cyril cyrielle daniel daniela danielle david
    deborah delphine denis denise diane didier diego dimitri djibril dmitri dominique donovan
    doriane dounia dylan edouard elena eleonore elias elif elina elisa elisabeth elise eliott
    ella elodie eloise elsa emeline emilie emile emilien emily emine emma emmanuel emmanuelle emre
    enzo eric erwan estelle esteban ethan etienne eugenie eva evan evelyne fabien fabienne fabrice
    fanny farah farid fatima fatma fatou fatoumata felix fernand fernando florence florent florian
    florin francis franck francois francoise frederic frederique gabin gabriel gabrielle gael
    gaelle gaetan gauthier genevieve georges gerald gerard ghislaine gilbert gilles ginette
    gisele gregory guillaume gwenaelle gwendoline hafsa hakim hamid hamza hanane hassan hatice
    helene henri herve hicham hugo hugues ibrahim ibrahima idriss idrissa ilan ilona ilyes ilyas
    imane imran ines ioana ionut irene irina isaac isabelle ismael israa issa ivan jacqueline
    jacques jade jamel jamila jason jean-baptiste jean-claude jean-luc jean-marc jean-marie
    jean-michel jean-paul jean-pierre jeanne jennifer jeremie jeremy jerome jessica jessy joao
    joel joelle johan johanna john jonathan jordan jose joseph josephine josiane josue jules
    julia julie julien juliette justine kadiatou kamel karima karim katia kelly kenza kenzo kevin
    khadija kilian killian kimberley kylian lahcen lamia lamine lana laetitia laura laure laurence
    laurent laurine lea leana leandre leila lena lenny leo leon leonie leonard liam lilian liliane
    lilou lily lina linda lisa lisea loic lola lorenzo louane louis louisa louise louna luc luca
    lucas lucie lucien lucille ludivine ludovic luna lydia lydie mael maela maelle maelys magali
    mahamadou mahe maissa malak malik malika mamadou manon manuel manuela marc marceau marcel
    marcelle margaux margot maria mariam mariama marianne marie-claire marie-france marie-laure
    marie-therese marina marine marion mariya marius marjorie marko marouane martial martin
    martine maryam maryse mathilde mathis mathieu matheo matteo maud maurice maxence maxime
    mayssa medhi mehdi mehmet melanie melissa melvin meriem mia michael michel micheline
    michele mickael mihai milan mila mina mira mireille mohamed mohammed moussa muriel murielle
    mustafa myriam nabil nadege nadia nadine naima naomi nassim natacha natalia nathalie nathan
    nawel nelly nicolas nicole nina ninon noa noah noam noemie nolan nora nour oceane odette
    odile olga olivia olivier omar oksana ophelie oscar ousmane oumou pablo pascal pascale
    patrice patricia patrick paul paula paulette pauline pedro perrine philippe pierre-yves piotr
    priscilla quentin rachel rachid rachida rafael rania raphael raphaelle rayan regine remi
    renee richard robert robin rodrigue romain romane romeo ronan rose-marie rosa roxane ruben
    ryan sabine sabrina sacha safia said salim salma salome sami samia samir samira samuel
    sandra sandrine sara sarah sebastien serge sergei severine simon simone sofia sofiane solene
    soline sonia sophie souad souleymane stephane stephanie steven suzanne svetlana sylvain
    sylvie tatiana teddy theo thibault thierry thomas timeo timothee tiphaine tom tony tristan
    valentin valentina valentine valerie vanessa vasile veronique victor victoria vincent
    virginie vivien walid wassim william xavier yacine yanis yann yannick yasmina yasmine yassine
    yohan youssef yousra yusuf yves yvette yvonne zakaria zeynep zineb zoe zohra
    """
)

# First names that are also ordinary words: only trusted when capitalised.
_AMBIGUOUS_LOWER = _words(
    """
    aime ambre aurore blanche capucine celeste charlotte clement colombe constance jade jean
    lise marie marin marine olive pierre prudence roman rose victoire violette martin mia
    loic claude leon tom louis
    """
)

# Words that follow a civility cue when it names a role, not a person.
_ROLES = _words(
    """
    adjoint adjointe agent agente assistant assistante avocat avocate batonnier cadre capitaine
    charge chargee chef cheffe commissaire conseiller conseillere coordinateur coordinatrice
    curateur curatrice defenseur defenseure delegue deleguee depute deputee directeur directrice
    docteur docteure educateur educatrice elu elue greffier greffiere huissier infirmier
    infirmiere inspecteur inspectrice juge lieutenant maire mandataire medecin mediateur
    mediatrice ministre notaire pediatre president presidente prefet prefete principal
    principale procureur procureure professeur proviseur psychiatre psychologue referent
    referente responsable secretaire senateur substitut tuteur tutrice vice-president
    vice-presidente sous-prefet gendarme policier policiere
    """
)

# Domain vocabulary and acronyms that spaCy likes to tag as people or organisations.
_DOMAIN = _words(
    """
    aah aed aemo af ame anah anas apa apj ars as ase asll aspa ass cada caf casf ccas cdas cddf
    cesf chrs chu cispd cjm clspd cmp cmpp cms cnil cp cpam cpe cpp cr crip crous csts css cv
    ddets dgs dihal dreets ehpad eig esat essms fsl gltd hcts hdt hlm huda ime ip itep maia mdph
    mdsi mecs mjagbf mjie mna msa oph opj opp pch pjj pmi rdv rgpd rsa samu sao sdf sessad siao
    spip ulis urssaf vad tisf ppe pae
    legifrance tchap matrix element ameli france travail pole emploi republique departement
    conseil prefecture tribunal parquet justice police gendarmerie mairie etat education
    nationale croix-rouge croix rouge emmaus restos coeur secours populaire catholique social
    sociale defenseur droits code civil penal loi decret article cerfa insee caf cpam whatsapp
    signal telegram facebook messenger teams zoom outlook gmail hotmail excel word google
    orange free sfr bouygues edf engie sncf ratp adil cafs udaf unaf fondation abbe pierre
    snapchat tiktok instagram youtube netflix fortnite doctolib leboncoin vinted amazon uber
    dalloz lexisnexis lamy
    aide sociale enfance protection judiciaire jeunesse maison solidarites solidarite
    """
)

# Capitalised words that start messages or name days and months, never people.
_COMMON = _words(
    """
    bonjour bonsoir salut hello coucou merci question questions reunion rappel urgent info infos
    objet svp stp ok bref attention remarque precision secret signalement madame monsieur
    mademoiselle mesdames messieurs maitre mme mmes mr mlle dr pr qqn quelqu'un cordialement
    oui non voila alors sinon hier demain aujourd'hui lundi mardi mercredi jeudi vendredi samedi
    dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre
    decembre noel paques cher chere chers cheres collegue collegues bonne journee equipe service
    pole direction synthese compte rendu note dossier famille petit petite jeune enfant enfants
    mere pere parents maman papa bebe frere soeur tante oncle grand-mere grand-pere mamie papi
    est-ce peut-on faut-il doit-on puis-je pouvez-vous savez-vous quelqu'un tous toutes
    bjr bsr slt dsl deso cc cdt tjrs jsp perso ptet qqch asap nb ds pdt vs mdr ptdr pb hs
    aparte idem dispo help up re ya yo exemple concretement saint sainte st ste
    """
)

# Verbs that often follow a lowercase "mme"/"mr": "mme refuse", "mr travaille".
_VERBISH = _words(
    """
    a ai appelle appele accepte arrive demande dit doit explique indique refuse souhaite veut
    vient va pense travaille reconnait precise conteste ne n' habite vit dort part revient
    signale confirme sait peut aurait serait etait avait
    """
)

_NOT_NAME = (
    frozenset(fold(w) for w in STOP_WORDS) | _ROLES | _DOMAIN | _COMMON | _VERBISH
) - frozenset({"da", "de", "le", "la", "van", "ben", "el", "di", "du"})
_FIRST_NAMES_OK = _FIRST_NAMES - _NOT_NAME
_AFTER_CIVILITY_NOT_NAME = frozenset(fold(w) for w in STOP_WORDS) | _ROLES | _DOMAIN

_PARTICLES = frozenset(
    {"le", "la", "de", "da", "du", "van", "von", "ben", "el", "di", "dos", "des"}
)

# --------------------------------------------------------------------------------------------
# Regular expressions, compiled once.

_UP = "A-ZÀ-ÖØ-ÞŒ"
_LOW = "a-zß-öø-ÿœ"
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TITLE_RE = re.compile(rf"[{_UP}][{_LOW}]")
_CAPWORD = rf"[{_UP}][^\W_]*(?:-[^\W_]+)*"
_LOWWORD = rf"[{_LOW}][{_LOW}-]{{2,}}"
_CONN = r"(?:(?i:de|du|des|la|le|les|aux?|sur|sous|en|et)\s+|(?i:d|l)'\s*)"
_POSTCODE = r"(?<!\d)(?:(?:0[1-9]|[1-8]\d|9[0-5])\d{3}|97[1-8]\d{2})(?!\d)"
_TOWN = rf"{_CAPWORD}(?:[ -]{_CAPWORD}){{0,3}}(?:\s+(?i:cedex)(?:\s+\d{{1,2}})?)?"
_BAT = r",?\s+(?i:b[âa]t(?:iment)?\.?)\s*[A-Z0-9]{1,2}\b"

_STRONG_STREET = (
    r"rue|ruelle|avenue|av|ave|bd|boulevard|blvd|impasse|imp|all[ée]e|quai|faubourg|fbg|"
    r"lotissement|hameau|r[ée]sidence|lieu-dit|lieudit|sentier|venelle|esplanade|parvis|"
    r"chauss[ée]e|rond-point|square|sq|cit[ée]|chemin|route|rte"
)
_WEAK_STREET = r"place|pl|cours|passage|voie|promenade|villa"
_NUM = r"(?<![\w.,/-])\d{1,4}(?:\s?(?i:bis|ter|quater)\b|[a-dA-D]\b)?,?\s+"
_STREET_NAME_STRONG = rf"{_CONN}*(?:{_CAPWORD}(?:\s+{_CONN}*{_CAPWORD}){{0,4}}|{_LOWWORD})"
_STREET_NAME_WEAK = rf"{_CONN}*{_CAPWORD}(?:\s+{_CONN}*{_CAPWORD}){{0,4}}"
_ADDR_TAIL = rf"(?:{_BAT})?(?:\s*,?\s*{_POSTCODE}\s+(?:{_TOWN}|{_LOWWORD}))?"

_STREET_RE = re.compile(
    rf"{_NUM}(?:(?i:{_STRONG_STREET})\b\.?\s+{_STREET_NAME_STRONG}"
    rf"|(?i:{_WEAK_STREET})\b\.?\s+{_STREET_NAME_WEAK}){_ADDR_TAIL}"
)
_NAMED_PLACE_RE = re.compile(
    rf"(?:(?i:b[âa]t(?:iment)?\.?)\s*[A-Z0-9]{{1,2}},?\s+)?"
    rf"\b(?i:r[ée]sidence|lotissement|hameau|cit[ée]|lieu-dit|lieudit|domaine)\s+"
    rf"{_CONN}*{_CAPWORD}(?:\s+{_CONN}*{_CAPWORD}){{0,3}}{_ADDR_TAIL}"
)
_POSTCODE_TOWN_RE = re.compile(rf"{_POSTCODE}\s+(?P<town>{_TOWN})")
_NOT_TOWN = _words("euros euro eur habitants personnes enfants jeunes familles dossiers")

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)

_NIR_RE = re.compile(
    r"(?<![\w.])[1-478][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[ABab])[ .]?\d{3}[ .]?\d{3}"
    r"(?:[ .]?\d{2})?(?![\w])"
)
# A 13-digit NIR without its key cannot be checksummed; only trust it next to a cue.
_NIR_CUE_RE = re.compile(
    r"(?i:nir|s[ée]cu|s[ée]curit[ée]\s+sociale|\bss\b|insee|immatriculation)[^\n]{0,25}\Z"
)

_MONTHS = (
    r"janvier|janv|f[ée]vrier|f[ée]vr?|mars|avril|avr|mai|juin|juillet|juil|ao[uû]t|"
    r"septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c"
)
_BIRTH_RE = re.compile(
    r"(?i:\b(?:n[ée](?:e|\(e\))?s?|date\s+de\s+naiss(?:ance|\.)?|d\.?d\.?n\.?)(?=[\s:(]))"
    r"\s*(?::\s*)?(?:(?i:le)\s+)?(?::\s*)?"
    r"(?P<date>(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?:(?:19|20)\d{2}|\d{2})(?!\d)"
    rf"|(?P<sd>1er|[0-3]?\d)\s+(?P<sm>(?i:{_MONTHS}))\b\.?(?:\s+(?:19|20)\d{{2}}(?!\d))?)"
)

_CIVILITY = (
    r"m\.|mr\.?|mme\.?|mmes|madame|monsieur|mlle\.?|mademoiselle|dr\.?|docteure?|me|pr\.?|"
    r"professeure?|ma[îi]tre"
)
# Abbreviated civilities are trusted before a lowercase surname ("mme dupont"); the spelled-out
# ones are not, because "madame souhaite" and "monsieur refuse" are everyday phrasing.
_ABBREV_CIVILITY = frozenset(
    {"m.", "mr", "mr.", "mme", "mme.", "mmes", "mlle", "mlle.", "dr", "dr."}
)
_CIVILITY_RE = re.compile(
    rf"(?<![\w.])(?P<cue>(?i:{_CIVILITY}))(?:\s+(?i:et)\s+(?i:{_CIVILITY}))?\s+(?=\w)"
)
_FAMILY_RE = re.compile(
    r"(?<![\w])(?i:la\s+famille|le\s+petit|la\s+petite|chez\s+les|le\s+jeune|la\s+jeune|"
    r"les\s+[ée]poux|l'enfant|le\s+b[ée]b[ée])\s+(?=\w)"
)
_NEXT_WORD_RE = re.compile(r"[ \t]*([^\W\d_]+(?:-[^\W\d_]+)*)")
_PREV_UPPER_RE = re.compile(rf"(?<![\w-])([{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?)[ \t]+\Z")
_NEXT_CAP_RE = re.compile(rf"[ \t]+({_CAPWORD})")
# A person-named street, school or law is a place or a text, not a person.
_PLACE_CONTEXT_RE = re.compile(
    r"(?i:\b(?:rue|avenue|av|bd|boulevard|impasse|all[ée]e|quai|chemin|route|place|cours|"
    r"square|r[ée]sidence|cit[ée]|lotissement|hameau|faubourg|[ée]cole|coll[èe]ge|lyc[ée]e|"
    r"h[ôo]pital|clinique|centre|loi|stade|gymnase|gare|station|m[ée]tro|parc|pont|quartier|"
    r"institut|fondation|saint|sainte|st|ste)\.?\s+(?:(?:de|du|des|la|le|les)\s+|[dl]'\s*)*)\Z"
)
_PHONE_PRECHECK_RE = re.compile(r"(?:\d[\s.()/-]{0,3}){8}\d")
_DIGIT_RE = re.compile(r"\d")
_FR_PHONE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}(?!\d)"
)
_UNWANTED_PHONE_TYPES = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.UAN,
    }
)


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


# --------------------------------------------------------------------------------------------
# Detectors. Each yields findings on the normalised text.


def _find_emails(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for m in _EMAIL_RE.finditer(text):
        yield Finding("email", m.start(), m.end())


def _find_ibans(text: str) -> Iterator[Finding]:
    for m in _IBAN_RE.finditer(text):
        raw = m.group()
        positions = [m.start() + i for i, c in enumerate(raw) if c != " "]
        compact = raw.replace(" ", "").upper()
        # The greedy groups may swallow a following word; shrink until the checksum holds.
        for length in range(len(compact), 14, -1):
            if std_iban.is_valid(compact[:length]):
                yield Finding("iban", m.start(), positions[length - 1] + 1)
                break


def _find_nirs(text: str) -> Iterator[Finding]:
    for m in _NIR_RE.finditer(text):
        compact = re.sub(r"[ .]", "", m.group()).upper()
        if len(compact) == 15:
            if std_nir.is_valid(compact):
                yield Finding("nir", m.start(), m.end())
            continue
        month = int(compact[3:5])
        plausible = 1 <= month <= 12 or 20 <= month <= 42 or month >= 50
        if plausible and _NIR_CUE_RE.search(text, max(0, m.start() - 40), m.start()):
            yield Finding("nir", m.start(), m.end())


def _find_phones(text: str) -> Iterator[Finding]:
    if not _PHONE_PRECHECK_RE.search(text):
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=_PHONE_LENIENCY):
        if _wanted_phone(match.number) and len(_DIGIT_RE.findall(match.raw_string)) >= 9:
            yield Finding("phone", match.start, match.end)
    # The matcher drops a number glued to other digits ("le 119 06 12 34 56 78") because it
    # sees one over-long candidate; French formats are cheap to look for directly.
    for m in _FR_PHONE_RE.finditer(text):
        try:
            number = phonenumbers.parse(m.group(), "FR")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and _wanted_phone(number):
            yield Finding("phone", m.start(), m.end())


def _wanted_phone(number: phonenumbers.PhoneNumber) -> bool:
    # Toll-free and shared-cost numbers belong to services, not to people.
    return phonenumbers.number_type(number) not in _UNWANTED_PHONE_TYPES


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _find_birthdates(text: str) -> Iterator[Finding]:
    for m in _BIRTH_RE.finditer(text):
        if m.group("d") is not None:
            if not _valid_day_month(int(m.group("d")), int(m.group("m"))):
                continue
        else:
            day = 1 if m.group("sd").lower() == "1er" else int(m.group("sd"))
            if not 1 <= day <= 31:
                continue
        yield Finding("birthdate", m.start("date"), m.end("date"))


def _find_addresses(text: str) -> Iterator[Finding]:
    if _DIGIT_RE.search(text):
        for m in _STREET_RE.finditer(text):
            yield Finding("address", m.start(), m.end())
        for m in _POSTCODE_TOWN_RE.finditer(text):
            first_town_word = m.group("town").split()[0].split("-")[0]
            if fold(first_town_word) not in _NOT_TOWN:
                yield Finding("address", m.start(), m.end())
    for m in _NAMED_PLACE_RE.finditer(text):
        yield Finding("address", m.start(), m.end())


def _in_place_context(text: str, start: int) -> bool:
    return bool(_PLACE_CONTEXT_RE.search(text, max(0, start - 40), start))


def _extend_surnames(text: str, end: int, limit: int = 3) -> int:
    """Extend a name over the capitalised words that follow it ("Kevin DURAND")."""
    for _ in range(limit):
        m = _NEXT_CAP_RE.match(text, end)
        if m is None or fold(m.group(1)) in _NOT_NAME:
            break
        end = m.end(1)
    return end


def _extend_back(text: str, start: int) -> int:
    """Include an uppercase surname written before the first name ("DURAND Kevin")."""
    m = _PREV_UPPER_RE.search(text, max(0, start - 40), start)
    if m is None or fold(m.group(1)) in _NOT_NAME:
        return start
    return m.start(1)


def _find_cued_names(text: str, lexicon: Lexicon) -> Iterator[Finding]:
    for m in _CIVILITY_RE.finditer(text):
        cue = m.group("cue")
        cue_folded = cue.lower()
        w = _NEXT_WORD_RE.match(text, m.end())
        if w is None:
            continue
        word = w.group(1)
        start = w.start(1)
        folded = fold(word)
        if len(word) < 2:
            continue  # "Mme X", "M. D." are already pseudonymised
        if cue_folded in {"me", "m."} and not (cue[0].isupper() and _is_cap(word)):
            continue  # "il me dit", "3 m. de long"
        if folded in _PARTICLES and _is_cap(word):
            nxt = _NEXT_CAP_RE.match(text, w.end(1))
            if nxt is None or fold(nxt.group(1)) in _NOT_NAME:
                continue  # "Madame La Présidente"
            yield Finding("name", start, _extend_surnames(text, nxt.end(1)))
            continue
        if _is_cap(word):
            # "M. Petit", "Mme Blanc": after a civility only roles and grammar words are out.
            if folded not in _AFTER_CIVILITY_NOT_NAME:
                yield Finding("name", start, _extend_surnames(text, w.end(1)))
        elif folded not in _NOT_NAME and (
            cue_folded in _ABBREV_CIVILITY or folded in _FIRST_NAMES_OK or word not in lexicon
        ):
            yield Finding("name", start, w.end(1))
    for m in _FAMILY_RE.finditer(text):
        w = _NEXT_WORD_RE.match(text, m.end())
        if w is None:
            continue
        word = w.group(1)
        folded = fold(word)
        if len(word) < 2:
            continue
        if _is_cap(word) and folded in _PARTICLES:
            nxt = _NEXT_CAP_RE.match(text, w.end(1))
            if nxt is not None and fold(nxt.group(1)) not in _NOT_NAME:
                yield Finding("name", w.start(1), _extend_surnames(text, nxt.end(1)))
            continue
        if folded in _NOT_NAME:
            continue
        if _is_cap(word) or (folded in _FIRST_NAMES_OK and folded not in _AMBIGUOUS_LOWER):
            yield Finding("name", w.start(1), _extend_surnames(text, w.end(1)))


def _first_name_hit(word: str, folded: str) -> bool:
    if folded in _FIRST_NAMES_OK:
        return _is_cap(word) or folded not in _AMBIGUOUS_LOWER
    if "-" in word and _is_cap(word):
        parts = folded.split("-")
        if parts[0] in {"saint", "sainte", "st", "ste"}:
            return False
        return any(p in _FIRST_NAMES_OK for p in parts) and all(p not in _NOT_NAME for p in parts)
    return False


class PrivacyScanner:
    """Find personal data in French free text, reporting kinds and offsets only."""

    def __init__(self, nlp: Language | None = None, lexicon: Lexicon | None = None) -> None:
        """Load the NER-only spaCy pipeline and the lexicon once, unless they are given."""
        self._nlp: Language = (
            nlp if nlp is not None else spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)
        )
        self._lexicon = lexicon if lexicon is not None else load_lexicon()

    def scan(self, text: str) -> tuple[Finding, ...]:
        """Return findings sorted by start, overlapping spans of a kind merged."""
        if not text:
            return ()
        norm = text[:MAX_SCAN_CHARS].translate(_TRANSLATION)
        found: list[Finding] = []
        found.extend(_find_ibans(norm))
        found.extend(_find_nirs(norm))
        found.extend(_find_emails(norm))
        found.extend(_find_phones(norm))
        found.extend(_find_birthdates(norm))
        found.extend(_find_addresses(norm))
        found.extend(self._find_names(norm))
        return _resolve(norm, found)

    def kinds(self, text: str) -> tuple[str, ...]:
        """Return the kinds of personal data found, in KINDS order."""
        present = {f.kind for f in self.scan(text)}
        return tuple(k for k in KINDS if k in present)

    def scrub(self, text: str) -> str:
        """Replace each finding by its placeholder; text past MAX_SCAN_CHARS is dropped."""
        kept = text[:MAX_SCAN_CHARS]
        out: list[str] = []
        pos = 0
        for f in self.scan(kept):
            out.append(kept[pos : f.start])
            out.append(PLACEHOLDERS[f.kind])
            pos = f.end
        out.append(kept[pos:])
        return "".join(out)

    def _find_names(self, text: str) -> Iterator[Finding]:
        yield from _find_cued_names(text, self._lexicon)
        run_ner = False
        skip_until = 0
        for m in _WORD_RE.finditer(text):
            word = m.group()
            folded = fold(word)
            if m.start() < skip_until:
                continue
            if _first_name_hit(word, folded):
                end = _extend_surnames(text, m.end())
                skip_until = end
                if not _in_place_context(text, m.start()):
                    yield Finding("name", _extend_back(text, m.start()), end)
            elif (
                _TITLE_RE.match(word)
                and folded not in _NOT_NAME
                and not word.isupper()
                and word not in self._lexicon
            ):
                run_ner = True
        # spaCy costs ~3 ms; skip it when no token could survive the filters below anyway.
        if run_ner:
            yield from self._ner_names(text)

    def _ner_names(self, text: str) -> Iterator[Finding]:
        doc = self._nlp(text)
        for ent in doc.ents:
            if ent.label_ != "PER":
                continue
            tokens = [t for t in ent if t.text.strip()]
            while tokens and (
                fold(tokens[0].text) in _NOT_NAME
                or fold(tokens[0].text) in _PARTICLES
                or not tokens[0].text[:1].isalpha()
            ):
                tokens.pop(0)
            while tokens and not tokens[-1].text[:1].isalpha():
                tokens.pop()
            if not tokens:
                continue
            good = False
            for tok in tokens:
                word = tok.text
                if not _TITLE_RE.match(word) or fold(word) in _NOT_NAME:
                    continue
                if any(fold(p) in _NOT_NAME for p in word.split("-")):
                    continue
                if fold(word) in _FIRST_NAMES_OK:
                    good = True
                    continue
                # spaCy tags capitalised common nouns as PER ("Habitat et Humanisme"), and a
                # capitalised word opening a sentence is usually not a name ("Dispo demain ?").
                if word in self._lexicon or _is_sentence_start(text, tok.idx):
                    continue
                good = True
            start = tokens[0].idx
            if good and not _in_place_context(text, start):
                yield Finding("name", start, tokens[-1].idx + len(tokens[-1].text))


def _is_sentence_start(text: str, idx: int) -> bool:
    before = text[:idx].rstrip(" \t'\"«-*•")
    return not before or before[-1] in ".!?…\n"


def _merge(findings: Iterable[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and f.start <= merged[-1].end:
            last = merged[-1]
            if f.end > last.end:
                merged[-1] = Finding(last.kind, last.start, f.end)
        else:
            merged.append(f)
    return merged


def _resolve(text: str, findings: list[Finding]) -> tuple[Finding, ...]:
    """Merge overlaps within a kind, then let the more specific kind win across kinds."""
    kept: list[Finding] = []
    for kind in _PRIORITY:
        for f in _merge(x for x in findings if x.kind == kind):
            if all(f.end <= k.start or f.start >= k.end for k in kept):
                kept.append(f)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end)))
