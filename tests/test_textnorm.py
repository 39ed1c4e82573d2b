"""Turkic casing, folding, tokenising and stemming on real English and Azerbaijani words."""

from __future__ import annotations

import pytest

from app.textnorm import MIN_STEM, fold, lower, stem_az, stem_en, tokens, words


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("İstanbul", "az", "istanbul"),
        ("ISTANBUL", "az", "ıstanbul"),
        ("ıslak", "az", "ıslak"),
        ("İstanbul", "en", "istanbul"),
        ("ISTANBUL", "en", "istanbul"),
        ("İLHAM ƏLİYEV", "az", "ilham əliyev"),
        ("İLHAM ƏLİYEV", None, "ilham əliyev"),
        ("BAKI", "az", "bakı"),
        ("i\u0307stanbul", "en", "istanbul"),  # a stray combining dot from an earlier .lower()
        ("I\u0307stanbul", "az", "istanbul"),  # decomposed İ: NFC first
        ("Gu\u0308rcu\u0308stan", "az", "gürcüstan"),  # decomposed ü is composed
    ],
)
def test_lower_handles_dotted_and_dotless_i(text: str, lang: str | None, expected: str) -> None:
    out = lower(text, lang)
    assert out == expected
    assert "\u0307" not in out


def test_plain_str_lower_is_the_trap_we_avoid() -> None:
    assert "İstanbul".lower() != lower("İstanbul", "en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Azərbaycan", "azerbaycan"),
        ("Şuşa", "susa"),
        ("Ağdam", "agdam"),
        ("Çingiz", "cingiz"),
        ("Gürcüstan", "gurcustan"),
        ("Özbəkistan", "ozbekistan"),
        ("BAKI", "baki"),
        ("İLHAM", "ilham"),
        ("münasibətlərdə", "munasibetlerde"),
        ("café naïve Âmid Îran", "cafe naive amid iran"),
        ("Azerbaijan’s", "azerbaijans"),
        ("Azerbaijan's", "azerbaijans"),
        ("Türkiyə'nin", "turkiyenin"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_is_the_same_for_any_casing_of_i() -> None:
    assert fold("ISTANBUL") == fold("İstanbul") == fold("ıstanbul") == "istanbul"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baku-Tbilisi-Ceyhan", ["baku", "tbilisi", "ceyhan"]),
        ("1993-cü ildə", ["1993", "cu", "ilde"]),
        ("Azerbaijan’s oil, (1994).", ["azerbaijan", "oil", "1994"]),
        ("O'Brien's report", ["obrien", "report"]),
        ("«Əsrin müqaviləsi»", ["esrin", "muqavilesi"]),
        ("snake_case", ["snake", "case"]),
        ("691,000 barrels", ["691", "000", "barrels"]),
    ],
)
def test_words_split_on_hyphens_punctuation_and_apostrophes(text: str, expected: list[str]) -> None:
    assert words(text, "en") == expected


def test_tokens_drop_stopwords_and_ordinal_endings() -> None:
    assert tokens("What happened in 1993?", "en") == ["happen", "1993"]
    assert tokens("1993-cü ildə nə baş verdi?", "az")[0] == "1993"
    assert "cu" not in tokens("1993-cü ildə", "az")
    assert tokens("the and of", "en") == []
    assert tokens("və ilə bu", "az") == []
    assert tokens("", "az") == []


def test_english_number_suffixes_reduce_to_the_number() -> None:
    assert tokens("the 1990s and the 20th century", "en") == ["1990", "20", "century"]


AZ_FORMS = [
    ["Türkiyə", "Türkiyənin", "Türkiyəyə", "Türkiyədə", "Türkiyə ilə", "Turkiyenin"],
    ["Gürcüstan", "Gürcüstanla", "Gürcüstanın", "Gürcüstana", "Gurcustandan"],
    ["Rusiya", "Rusiyanın", "Rusiya ilə", "Rusiyaya"],
    ["İran", "İranla", "İranın", "Iranla"],
    ["Ermənistan", "Ermənistanın", "Ermənistanla", "ERMƏNİSTAN"],
    ["münasibət", "münasibətlər", "münasibətlərdə", "münasibətləri", "munasibetlerde"],
    ["müqavilə", "müqaviləsi", "müqavilənin", "muqavilesi"],
    ["kəmər", "kəməri", "kəmərinin", "kemerinin"],
    ["səfər", "səfəri", "səfərində", "seferinde"],
    ["Azərbaycan", "Azərbaycanın", "Azərbaycanı", "Azərbaycanda", "Azerbaycanla"],
    ["müstəqillik", "müstəqilliyi", "müstəqilliyin"],
    ["qayıtdı", "qayıtmışdır", "qayitdi"],
]


@pytest.mark.parametrize("forms", AZ_FORMS, ids=lambda forms: forms[0])
def test_azerbaijani_forms_share_one_stem(forms: list[str]) -> None:
    stems = {tuple(tokens(form, "az")) for form in forms}
    assert len(stems) == 1, stems
    assert len(next(iter(stems))) == 1


def test_azerbaijani_lemmas_keep_distinct_stems() -> None:
    stems = [tokens(forms[0], "az")[0] for forms in AZ_FORMS]
    assert len(set(stems)) == len(stems)


def test_boru_kemeri_keeps_both_words() -> None:
    assert tokens("boru kəmərinin", "az") == tokens("boru kəməri", "az")
    assert len(tokens("boru kəməri", "az")) == 2


@pytest.mark.parametrize("word", ["ata", "ana", "il", "ev", "su", "1993", "btc"])
def test_short_words_are_not_destroyed(word: str) -> None:
    stem = stem_az(word)
    assert stem == word or len(stem) >= MIN_STEM


def test_azerbaijani_stemmer_leaves_non_latin_and_numbers_alone() -> None:
    assert stem_az("москва") == "москва"
    assert stem_az("1990lar") == "1990lar"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("relations", "relation"),
        ("pipelines", "pipeline"),
        ("visited", "visit"),
        ("visiting", "visit"),
        ("visits", "visit"),
        ("countries", "country"),
        ("agreed", "agree"),
        ("created", "create"),
        ("planned", "plan"),
        ("signed", "sign"),
        ("analysis", "analysis"),
        ("status", "status"),
        ("king", "king"),
        ("gas", "gas"),
    ],
)
def test_light_english_stemmer(word: str, expected: str) -> None:
    assert stem_en(word) == expected


def test_english_possessive_with_either_apostrophe() -> None:
    assert tokens("Azerbaijan's", "en") == tokens("Azerbaijan’s", "en") == ["azerbaijan"]


def test_unknown_language_stems_by_the_letters_it_sees() -> None:
    assert tokens("münasibətlərdə", None) == tokens("münasibət", "az")
    assert tokens("relations", None) == ["relation"]
    assert tokens("nə vaxt and what", None) == ["vaxt"]  # both stopword lists apply


def test_unexpected_language_codes_count_as_unknown() -> None:
    assert tokens("münasibətlərdə relations", "tr") == tokens("münasibətlərdə relations", None)


def test_repeated_calls_give_the_same_tokens() -> None:
    text = "Bakı-Tbilisi-Ceyhan boru kəmərinin tikintisi 2006-cı ildə başa çatdı."
    assert tokens(text, "az") == tokens(text, "az")
