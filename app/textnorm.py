"""Turkic-aware lower-casing, ASCII folding, tokenising and stemming for English and Azerbaijani.

Why not ``str.lower()``: Python lowers ``İ`` to ``i̇`` (an ``i`` plus a combining dot that breaks
matching) and ``I`` to ``i``, while Azerbaijani needs ``I → ı``. Why folding: people type
Azerbaijani without its letters ("munasibetler" for "münasibətlər"), so every lexical key is
folded to ASCII and the Azerbaijani stemmer works on the *folded* word; the query and the
passage then meet in the same key space whichever way either was typed.

Languages are ``"en"``, ``"az"`` or ``None`` (unknown). Anything else counts as unknown.
"""

from __future__ import annotations

import re
import unicodedata

#: Bump whenever ``tokens`` can return something different: saved lexical indexes store it and
#: must be rebuilt when it changes.
ANALYSER_VERSION = 1

_APOSTROPHES = "'’‘ʼʻ`´′"
_FOLD_TABLE = str.maketrans(
    {"ə": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u", "ß": "ss"}
    | {"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"}
    | dict.fromkeys(_APOSTROPHES)
)
# A word: letters/digits, with inner apostrophes kept so "Azerbaijan's" stays one word.
_WORD_RE = re.compile(rf"[^\W_]+(?:[{_APOSTROPHES}][^\W_]+)*")
_FOLDED_PART_RE = re.compile(r"[^\W_]+")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_POSSESSIVE_RE = re.compile(rf"[{_APOSTROPHES}]s$")
_NUMBER_SUFFIX_RE = re.compile(r"^(\d+)(?:st|nd|rd|th|s)$")
_AZ_LETTERS = frozenset("əığş")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: English function words (folded). "us" and "may" are kept: "US", "May 1994".
STOPWORDS_EN = _wordset(
    "a an the and or but if then of in on at to for from by with without about as into onto "
    "over under between after before during since until than that this these those there here "
    "it its is are was were be been being am do does did done has have had having will would "
    "shall should can could might must not no nor so such too very what which who whom whose "
    "when where why how me my we our you your he him his she her they them their also any all "
    "some each other more most tell please"
)
#: Azerbaijani function words, folded (ə→e, ı→i, ...), plus ordinal endings split off numbers
#: ("1993-cü" → "1993", "cu"), which carry no meaning of their own.
STOPWORDS_AZ = _wordset(
    "ve ile ya yaxud veya ama amma lakin ancaq hem ki da de bu o su bir her hec ne nece neye "
    "neden niye nedir hansi kim kimdir kimin kime hara harada haradan haqqinda barede ucun kimi "
    "qeder sonra evvel artiq daha en idi imis oldu olub olan olaraq olunur olunub olur olmus "
    "etdi edir edib bes mi mu ise onun onu ona ondan onda onlar onlarin onlari bunun bunu buna "
    "bundan burada orada men sen biz siz mene bize bizim sizin deyil var yox bele hemin diger "
    "bezi butun ozu yene indi hele yalniz ci cu inci nci unci uncu ncu"
)
_STOPWORDS = {"en": STOPWORDS_EN, "az": STOPWORDS_AZ, None: STOPWORDS_EN | STOPWORDS_AZ}

#: Folded Azerbaijani endings, stripped longest first and repeatedly (plural, case, ...).
#: Azerbaijani does not alternate d/t, so there is no "-tan"/"-tır" to strip from "-stan" names.
_AZ_SUFFIXES = _wordset(
    "lar ler lari leri da de dan den nda nde ndan nden daki deki ndaki ndeki "
    "nin nun in un ni nu na ne ya ye la le yla yle si su dir dur "
    "di du mis mus acaq ecek ib ub maq mek ma me liq lik luq luk liy luy lig lug "
    "a e i u n"
)
_AZ_LONGEST = max(map(len, _AZ_SUFFIXES))
_VOWELS = frozenset("aeiou")
#: The shortest stem left after stripping; shorter words are kept whole.
MIN_STEM = 3
_CACHE_LIMIT = 500_000
_CACHES: dict[str | None, dict[str, tuple[str, ...]]] = {"en": {}, "az": {}, None: {}}


def _lang(lang: str | None) -> str | None:
    return lang if lang in ("en", "az") else None


def lower(text: str, lang: str | None) -> str:
    """Lower-case without the dotted-I traps.

    NFC first (so ``I`` + combining dot becomes ``İ``), then ``İ → i`` and a stray ``i̇`` → ``i``
    for every language; ``I → ı`` only for ``"az"``. English and unknown text keep ``I → i``
    because an English "I" is far more common than an untagged Azerbaijani one.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).replace("i\u0307", "i").replace("İ", "i")
    if _lang(lang) == "az":
        text = text.replace("I", "ı")
    return text.lower()


def fold(text: str) -> str:
    """A search key: lower-cased, Azerbaijani letters and other diacritics folded to ASCII.

    Apostrophes are dropped, so "Azerbaijan’s" and "Azerbaijan's" share a key. Folding maps
    ``ı → i`` as well, so the Azerbaijani/English choice of lower-casing no longer matters here.
    """
    text = lower(text, None).translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _prepare(text: str, lang: str | None) -> str:
    """Lower-case and drop combining marks NFC could not attach (they would split words)."""
    low = lower(text, lang)
    if not low.isascii() and _COMBINING_RE.search(low):
        low = _COMBINING_RE.sub("", low)
    return low


def _fold_word(raw: str) -> list[str]:
    """Fold one lower-cased word; drops an English possessive "'s" first."""
    return _FOLDED_PART_RE.findall(fold(_POSSESSIVE_RE.sub("", raw)))


def words(text: str, lang: str | None = None) -> list[str]:
    """Folded words split on hyphens and punctuation, before stopwords and stemming."""
    return [part for raw in _WORD_RE.findall(_prepare(text, lang)) for part in _fold_word(raw)]


def _stem_ok(stem: str) -> bool:
    return len(stem) >= MIN_STEM and any(ch in _VOWELS for ch in stem)


def _strip_one(word: str) -> str | None:
    """``word`` without its longest strippable ending, or None when none applies."""
    for size in range(min(_AZ_LONGEST, len(word) - MIN_STEM), 0, -1):
        stem, suffix = word[:-size], word[-size:]
        if suffix not in _AZ_SUFFIXES or not _stem_ok(stem):
            continue
        if suffix != "n" or stem[-1] in _VOWELS:
            return stem
    return None


def stem_az(word: str) -> str:
    """Strip folded Azerbaijani endings until none applies, keeping at least ``MIN_STEM`` letters.

    Stems need not be real words; they must only be the same for every form of a word. The one
    ambiguity folding creates is "-nın" after a vowel versus "-ın" after "n" ("Gürcüstanın"):
    a final "n" after a vowel is stripped too, so "Gürcüstan", "Gürcüstanın" and "Gürcüstanla"
    all meet at one stem.
    """
    if not (word.isascii() and word.isalpha()):
        return word
    while (stem := _strip_one(word)) is not None:
        word = stem
    return word


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences."""
    return len(re.findall(r"[aeiouy]+[^aeiouy]+", stem.lstrip("bcdfghjklmnpqrstvwxz")))


def _plural(word: str) -> str:
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _past_or_gerund(word: str) -> str:
    if word.endswith("eed"):
        return word[:-1] if len(word) > 4 else word
    for ending in ("ed", "ing"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and re.search(r"[aeiouy]", stem):
            break
    else:
        return word
    if stem.endswith(("at", "bl", "iz")) or len(stem) <= 2:
        return stem + "e"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeioulsz":
        return stem[:-1]
    if _measure(stem) == 1 and re.search(r"[^aeiou][aeiouy][^aeiouwxy]$", stem):
        return stem + "e"
    return stem


def stem_en(word: str) -> str:
    """A light Porter step 1: plurals, "-ed", "-ing" (relations→relation, visited→visit).

    Deliberately no deeper suffixes: names and technical terms must survive untouched.
    """
    if len(word) <= 3 or not (word.isascii() and word.isalpha()):
        return word
    return _past_or_gerund(_plural(word))


def _analyse(raw: str, lang: str | None) -> list[str]:
    """Terms for one lower-cased word: folded, stopwords dropped, stemmed."""
    stopwords = _STOPWORDS[lang]
    # Unknown language: the Azerbaijani stemmer only for words that show Azerbaijani letters.
    az = lang == "az" or (lang is None and not _AZ_LETTERS.isdisjoint(raw))
    terms = []
    for word in _fold_word(raw):
        number = _NUMBER_SUFFIX_RE.match(word)
        if number:
            word = number.group(1)
        if word in stopwords or (len(word) == 1 and not word.isdigit()):
            continue
        terms.append(stem_az(word) if az else stem_en(word))
    return terms


def pieces(text: str, lang: str | None) -> list[str]:
    """``text`` lower-cased for ``lang`` and split on whitespace, the unit ``piece_terms`` takes.

    Splitting on whitespace first (words never span it) lets callers cache per piece, which is
    what makes indexing a million passages affordable.
    """
    return _prepare(text, _lang(lang)).split()


def piece_terms(piece: str, lang: str | None) -> tuple[str, ...]:
    """Terms of one piece from ``pieces``: words split on punctuation/hyphens, then analysed."""
    lang = _lang(lang)
    return tuple(term for raw in _WORD_RE.findall(piece) for term in _analyse(raw, lang))


def tokens(text: str, lang: str | None = None) -> list[str]:
    """Index/query terms: words lower-cased, folded, stopword-filtered and stemmed for ``lang``.

    Unknown ``lang`` drops both stopword lists and stems a word as Azerbaijani only when it shows
    Azerbaijani letters (otherwise the conservative English stemmer).
    """
    lang = _lang(lang)
    cache = _CACHES[lang]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    out: list[str] = []
    for piece in pieces(text, lang):
        terms = cache.get(piece)
        if terms is None:
            terms = cache[piece] = piece_terms(piece, lang)
        out.extend(terms)
    return out
