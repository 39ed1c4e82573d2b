"""Where an Azerbaijani answer ends: one case ending after the answer word is cut off, so
"1994-cü ildə" (in 1994) answers "nə vaxt?" as "1994-cü il" and "Bakıda" as "Bakı", both still
prefixes of the corpus text (a quote, not a rewrite)."""

from __future__ import annotations

import re

#: Azerbaijani endings that may follow an answer word and are cut off; longest first. None
#: starts with n: "İranda" is İran + da, "ilində" ili + ndə, and nothing tells them apart, so the
#: genitive and the n- forms stay ("Rusiyanın"): a longer quote beats a name losing a letter.
_AZ_ENDINGS = tuple(
    sorted(
        "dakı dəki dan dən da də dək aya əyə la lə yla ylə".split(),
        key=len,
        reverse=True,
    )
)
#: An acronym carries its case ending after a hyphen ("MDB-yə", "NATO-nun", "ATƏT-in"): all of
#: it goes, with no n- ambiguity, since the acronym itself never ends in a hyphen.
_ACRONYM_ENDING = re.compile(r"^([A-ZƏÖÜÇŞĞİ]{2,})-[a-zəöüçşğıi]{1,5}$")
_LOCATIVE_MONTH = re.compile(r"(ı|i|u|ü)(?:nda|ndə|ndan|ndən|nadək|nədək)$")


def trim(span: str, lang: str) -> str:
    """Strip trailing punctuation and, in Azerbaijani, one case ending of the last word."""
    span = span.strip(" ,;:.")
    if lang != "az" or span.endswith(("”", '"', "»")):
        return span
    head, _, last = span.rpartition(" ")
    last = _cut_last(last)
    return f"{head} {last}".strip() if head else last


def _cut_last(word: str) -> str:
    if acronym := _ACRONYM_ENDING.match(word):
        return acronym.group(1)
    month = _LOCATIVE_MONTH.search(word)
    return word[: month.start() + 1] if month else _cut_ending(word)


def _cut_ending(word: str) -> str:
    for ending in _AZ_ENDINGS:
        stem = word[: len(word) - len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            if ending in ("aya", "əyə"):
                return stem + word[len(stem)]  # "Rusiyaya"
            return stem.removesuffix("-")  # "11-dək": the day, not "11-"
    return word
