"""Query language detection restricted to English and Azerbaijani."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.langdetect import Detection, detect

ENGLISH = [
    "What happened in 1993?",
    "Heydar Aliyev and Turkey",
    "Tell me about the Contract of the Century",
    "BTC pipeline",
    "When was the BTC pipeline opened?",
    "Why did Elchibey leave Baku?",
    "Relations with Georgia",
    "Heydar Aliyev return to power",
    "Oil contracts signed in 1994",
    "Turkey Azerbaijan relations 1992",
    "Karabakh war",
    "Who signed the ceasefire in May 1994?",
    "How did relations with Russia change after 1993?",
    "What role did Iran play in the conflict?",
    "Explain the Popular Front government",
    "Which companies joined the oil consortium?",
    "Describe the visit of Ilham Aliyev to Moscow",
    "Is Azerbaijan a member of NATO?",
    "What were the main terms of the contract?",
    "Nagorno-Karabakh ceasefire negotiations",
    "Azerbaijan’s foreign policy towards Georgia",
]

AZERBAIJANI_WITH_LETTERS = [
    "Heydər Əliyev nə vaxt hakimiyyətə qayıtdı?",
    "Əsrin müqaviləsi nə vaxt imzalandı?",
    "Bakı-Tbilisi-Ceyhan boru kəmərinin tikintisi",
    "Azərbaycan Türkiyə münasibətləri",
    "Gürcüstanla əlaqələr necədir?",
    "1993-cü ildə nə baş verdi?",
    "İranla münasibətlər necə inkişaf etdi?",
    "Rusiya ilə hansı müqavilələr imzalanıb?",
    "Ermənistanla atəşkəs nə vaxt bağlandı?",
    "Xalq Cəbhəsi hakimiyyətə necə gəldi?",
    "Qarabağ müharibəsi haqqında danış",
    "ATƏT-in Minsk qrupu nə edir?",  # "-in" after a hyphen is a case ending, not English "in"
]

AZERBAIJANI_WITHOUT_LETTERS = [
    "Turkiye ile munasibetler nece idi?",
    "Gurcustanla elaqeler",
    "Bes Ermenistan?",
    "Heyder Eliyev ne vaxt hakimiyyete qayitdi?",
    "Esrin muqavilesi haqqinda danis",
    "Azerbaycan ve Rusiya arasinda munasibetler",
    "Rusiya ile elaqeler necedir",
    "Iranla munasibetler",
    "1993-cu ilde ne bas verdi?",
    "Kim prezident secildi?",
    "Xalq Cebhesi hakimiyyete nece geldi",
    "Neft strategiyasi",
]


@pytest.mark.parametrize("question", ENGLISH)
def test_english_questions(question: str) -> None:
    assert detect(question).lang == "en"


@pytest.mark.parametrize("question", AZERBAIJANI_WITH_LETTERS + AZERBAIJANI_WITHOUT_LETTERS)
def test_azerbaijani_questions(question: str) -> None:
    assert detect(question).lang == "az"


@pytest.mark.parametrize("question", AZERBAIJANI_WITH_LETTERS[:5])
def test_azerbaijani_letters_decide_by_letters(question: str) -> None:
    assert detect(question).method == "letters"


@pytest.mark.parametrize(
    "question",
    [
        "Tell me about Heydər Əliyev",
        "Who is İlham Əliyev?",
        "What did Heydər Əliyev say about Gürcüstan?",
        "What does müqavilə mean?",
        "Who is Kim Jong-un?",  # "kim" is also Azerbaijani for "who"
    ],
)
def test_an_azerbaijani_name_does_not_flip_an_english_question(question: str) -> None:
    assert detect(question).lang == "en"


@pytest.mark.parametrize(
    "text",
    ["Aliyev", "Ilham Aliyev", "1994", "Baku", "NATO", "Iraq", "Qatar", "Shusha", "", "   ", "?!"],
)
def test_short_or_ambiguous_input_defaults_to_english_with_low_confidence(text: str) -> None:
    result = detect(text)
    assert result.lang == "en"
    assert result.confidence < 0.5
    assert result.method == "default"


def test_azerbaijani_letters_alone_are_enough_for_a_short_input() -> None:
    assert detect("Qarabağ").lang == "az"
    assert detect("Ermənistan").lang == "az"


def test_confidence_grows_with_evidence() -> None:
    weak = detect("Bes Ermenistan?")
    strong = detect("Heydər Əliyev nə vaxt hakimiyyətə qayıtdı?")
    assert 0.5 <= weak.confidence < strong.confidence <= 1.0


@pytest.mark.parametrize("question", ENGLISH[:5] + AZERBAIJANI_WITHOUT_LETTERS[:5] + ["Aliyev"])
def test_detection_is_well_formed(question: str) -> None:
    result = detect(question)
    assert isinstance(result, Detection)
    assert result.lang in ("en", "az")
    assert 0.0 <= result.confidence <= 1.0
    assert result.method in ("letters", "wordlist", "eldc", "default")
    with pytest.raises(AttributeError):
        result.lang = "az"  # type: ignore[misc]


def test_eldc_breaks_ties_when_the_rules_have_nothing() -> None:
    result = detect("BTC pipeline")
    assert (result.lang, result.method) == ("en", "eldc")


def test_importing_does_not_load_eldc() -> None:
    code = "import sys, app.langdetect; print('eldc' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
