"""Azerbaijani typed without its letters gets them back from the corpus' own words."""

from __future__ import annotations

import pytest

from app.answering.accents import Accents

TEXTS = [
    "Azərbaycan Qərblə sıx əlaqələr qurmağa çalışırdı.",
    "İran ilə münasibətlər. Səfər zamanı nə baş verdi? Neçə sənəd imzalandı, necə?",
    "Bakı Bakı vaxt il",
]


@pytest.fixture(scope="module")
def accents() -> Accents:
    return Accents(TEXTS)


def test_words_get_the_corpus_spelling(accents: Accents) -> None:
    assert accents.restore("Azerbaycan Qerble niye six elaqeler qururdu?") == (
        "Azərbaycan Qərblə niye sıx əlaqələr qururdu?"  # unknown words stay as typed
    )


def test_case_is_kept(accents: Accents) -> None:
    assert accents.restore("IRAN ile baki") == "İRAN ile bakı"  # "ile" is a function word


def test_function_words_and_ambiguous_forms_stay(accents: Accents) -> None:
    # "nece" is "neçə" or "necə": two spellings, so neither is guessed; "ne" is a function word
    assert accents.restore("nece sened ne vaxt") == "nece sənəd ne vaxt"


def test_a_question_with_azerbaijani_letters_is_left_alone(accents: Accents) -> None:
    assert accents.restore("Azərbaycan Qerble") == "Azərbaycan Qerble"


def test_words_written_plainly_in_the_corpus_stay_plain(accents: Accents) -> None:
    assert accents.restore("vaxt il") == "vaxt il"
