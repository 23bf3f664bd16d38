"""The template's wording and the small readings of text every part shares: headings, labels, list
marks, sentences, Danish and English figures and dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from checker.findings import CouldNotRun
from checker.sign.requirement import name_key

SECTIONS: dict[int, tuple[str, str, str]] = {
    # number: (dossier key, a pattern the heading matches, the template's heading)
    1: ("formaal", r"formål", "Formål med den boligsociale indsats"),
    2: ("organisering", r"organisering", "Organisering"),
    3: (
        "beskrivelse",
        r"beskrivelse|problemkompleks",
        "Beskrivelse af områdets overordnede problemkompleks, beboere og tryghedssituation",
    ),
    4: ("faelles_maalinger", r"målinger", "Fælles tværgående målinger"),
    5: ("indsatsomraader", r"indsatsområder", "Indsatsområder"),
    6: ("lokal_evaluering", r"evaluering", "Lokal evaluering"),
    7: ("ressourcer", r"ressourcer|finansiering|økonomi", "Ressourcer i den boligsociale indsats"),
    8: ("samspil", r"samspil", "Samspil med øvrige tiltag og områdebaserede indsatser"),
    9: ("underretning", r"underretning", "Underretning"),
    10: ("konflikthaandtering", r"konflikt", "Konflikthåndtering"),
    11: ("revision", r"revision", "Revision af samarbejdsaftalen"),
}
_SECTION = re.compile(r"^(\d{1,2})\.?\s+(\S.{0,110})$")
_SUBSECTION = re.compile(r"^5\.(\d{1,2})\.?\s+(\S.{0,80})$")
_LABEL = re.compile(
    r"^(områdernes navne|afdelinger|aftalens parter|øvrige aktører|samarbejdsaftalen|underskrifter|"
    r"aftaledokumenter)\s*(?::\s*(.*))?$",
    re.IGNORECASE,
)
_LABEL_KEYS = {
    "områdernes navne": "omraader",
    "afdelinger": "afdelinger",
    "aftalens parter": "parter",
    "øvrige aktører": "oevrige",
    "samarbejdsaftalen": "samarbejdsaftalen",
    "underskrifter": "underskrifter",
    "aftaledokumenter": "aftaledokumenter",
}
_BULLET = re.compile(r"^(?:[-–—•·▪◦\uf0b7\uf0a7\uf02d\uf0d8\uf076]|o(?=\s))\s*(?=\S)")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(?:side\s+)?\d{1,3}(?:\s*(?:af|/)\s*\d{1,3})?$", re.IGNORECASE)
_JOINING_WORDS = {
    "og", "samt", "eller", "i", "af", "for", "til", "med", "på", "fra", "at", "der", "som", "en", "et",
    "den", "det", "de", "om", "ved", "hos", "under", "over", "mellem", "efter", "inden", "jf.", "ca.",
}  # fmt: skip
_SENTENCE = re.compile(
    r"(?<!\bSct\.)(?<!\bjf\.)(?<!\bJf\.)(?<!\bca\.)(?<!\bCa\.)(?<!\bpkt\.)(?<!\bafd\.)(?<!\bstk\.)"
    r"(?<!\bnr\.)(?<!\bm\.v\.)(?<!\bfx\.)(?<!\bevt\.)(?<!\bSt\.)(?<!\bdvs\.)(?<!\bkr\.)(?<!\bbl\.a\.)"
    r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9”\"»(])"
)
_NUMBER_WORDS = {
    "en": 1, "et": 1, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
}  # fmt: skip
_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "august": 8,
    "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE = r"\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}\.\s*(?:" + "|".join(_MONTHS) + r")\s+\d{4}"
_PERIOD = re.compile(rf"(?:perioden|periode)\s+(?:fra\s+)?({_DATE})\s*(?:til|–|-|—)\s*({_DATE})", re.I)
_BODY_TYPES = (
    # (type, pattern, name for a body the source does not name)
    ("projektkoordineringsgruppe", r"projektkoordineringsgrupp", "Projektkoordineringsgruppen"),
    ("beboerpanel", r"beboerpanel", "Beboerpanelet"),
    ("styregruppe", r"styregrupp", "Styregruppen"),
    ("foelgegruppe", r"følgegrupp", "Følgegruppen"),
    ("formandskab", r"formandskab", "Formandskabet"),
    ("partnerskab", r"partnerskab", "Partnerskabet"),
    ("arbejdsgruppe", r"arbejdsgrupp", "Arbejdsgruppen"),
    ("bestyrelse", r"bestyrelse", "Bestyrelsen"),
)
_MEMBERS = re.compile(r"\b(?:består af|bestående af|er sammensat af|sammensat af)\s+", re.IGNORECASE)
_FREQUENCY = re.compile(
    r"(?P<ca>\bca\.\s*|cirka\s+)?(?P<min>\d+|en|to|tre|fire|fem|seks|otte|ti|tolv)"
    r"(?:\s*(?:-|–|til)\s*(?P<max>\d+|to|tre|fire|fem|seks|otte|ti|tolv))?\s+gange?\s+"
    r"(?:årligt|om året|pr\.\s*år|i året)",
    re.IGNORECASE,
)
_RELATIONS = {
    "refererer til": "refererer_til",
    "indstiller til": "indstiller_til",
    "faciliteres af": "faciliteres_af",
    "rådgiver": "raadgiver",
}
_PROMISE = re.compile(
    r"\b(steget|stige[rt]?|faldet|falde[rt]?|reducere[st]?|reduceret|øge[st]?|øget|forøge[st]?|nedbring\w*|"
    r"mindske[st]?|overstige|oplever|forbedre[st]?|forbedret|halvere[st]?|fordoble[st]?|minimum|mindst|"
    r"højst|fastholde[st]?|skal\s+(?:være|ligge|deltage))\b",
    re.IGNORECASE,
)
_SOURCE_WORDS = re.compile(
    r"\b(opgør\w*|udtræk\w*|registrere[rs]?|tilkøbe[s]?|følges|indhente[rs]?|laves|statistik\w*|"
    r"datakilde|måles|spørgeskema\w*|undersøgelse\w*)\b",
    re.IGNORECASE,
)
_CRITERIA_HEADER = re.compile(r"lokalt\s+opstillede\s+målinger|succeskriterier", re.IGNORECASE)
_OPENS = re.compile(
    r"^(?:Lokalt opstillede målinger|Datakilde\s*:|Formål\s*:|Formålet er\b|Baseline\s*:|Udgangspunkt\s*:|"
    r"Mødefrekvens\s*:|Relationer\s*:|Hører til\s*:|Der nedsættes\b)",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    return name_key(text)


def _number(text: str) -> Decimal | None:
    """A figure as Danish (»14.600«, »26,8«) or English (»20.7«) documents write it."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    s = s.lstrip("+").replace("−", "-")
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(",", ".")
    elif not re.fullmatch(r"-?\d+(?:\.\d+)?", s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _date(text: str) -> date | None:
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})", text)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})", text, re.IGNORECASE)
        if not m or m[2].lower() not in _MONTHS:
            return None
        day, month, year = int(m[1]), _MONTHS[m[2].lower()], int(m[3])
    try:
        return date(year, month, day) if 1900 <= year <= 2199 else None
    except ValueError:
        return None


# a body that starts a sentence whose predecessor lost its full stop: »… Fællessekretariatet Gruppen følger …«
_SUBJECT = re.compile(
    r"\s(?=(?:Gruppen|Bestyrelsen|Styregruppen|Følgegruppen|Panelet|Beboerpanelet|Projektkoordineringsgruppen|"
    r"Partnerskabet|Formandskabet|Arbejdsgruppen)\s+[a-zæøå])"
)
_NOT_BEFORE_SUBJECT = {"til", "af", "for", "med", "i", "på", "fra", "at", "og", "eller", "mellem", "under", "over",
                       "ved", "hos", "om", "den", "det", "de", "en", "et", "samt", "end", "som"}  # fmt: skip


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE.split(text):
        start = 0
        for m in _SUBJECT.finditer(sentence):
            before = sentence[start : m.start()].rstrip()
            word = before.rsplit(" ", 1)[-1]
            if before and word[-1:].isalnum() and word.lower() not in _NOT_BEFORE_SUBJECT:
                out.append(before)
                start = m.end()
        out.append(sentence[start:])
    return [s for s in out if s.strip()]


def _join(a: str, b: str) -> str:
    """Two lines of one paragraph: a word broken at a hyphen is joined (»TOPI-« + »oplysninger«), a dash
    before a figure or a slash keeps its space (»2017-« + »2021« gives »2017- 2021«, as the text reads)."""
    if not a:
        return b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[:1].islower():
        return a + b
    return f"{a} {b}"


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1).strip()


def _heading_level(style: str | None) -> int | None:
    """1 or 2 for a Word heading style (»Heading 1«, »Overskrift 2«), else None."""
    m = re.fullmatch(r"(?:heading|overskrift)\s*([12])", (style or "").strip(), re.IGNORECASE)
    return int(m[1]) if m else None


def _area_number(name: str) -> str | None:
    """The number a rule set gives an indsatsområde of this name (»Tryghed og trivsel« -> »5.1«)."""
    from checker import rulesets

    for rid in rulesets.available():
        try:
            ruleset = rulesets.load(rid)
        except CouldNotRun:
            continue
        for number, known in ruleset.indsatsomraader.items() if ruleset else ():
            if _fold(known) == _fold(name):
                return number
    return None


def _all_area_names() -> list[str]:
    from checker import rulesets

    names: list[str] = []
    for rid in rulesets.available():
        try:
            ruleset = rulesets.load(rid)
        except CouldNotRun:
            continue
        if ruleset:
            names += list(ruleset.indsatsomraader.values())
    return names


def _body_type(text: str) -> str | None:
    low = text.casefold()
    hits = [(m.start(), kind) for kind, pattern, _ in _BODY_TYPES if (m := re.search(pattern, low))]
    return min(hits)[1] if hits else None


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate
