"""What personal data looks like in French: kinds, word lists and patterns (data only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from phonenumbers import Leniency, PhoneNumberType

from bot.engine.normalize import fold
from bot.engine.spacy_light import french_stop_words

STOP_WORDS = french_stop_words()

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
    dalloz lexisnexis lamy segur
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
    qu jusqu lorsqu puisqu quoiqu presqu
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
