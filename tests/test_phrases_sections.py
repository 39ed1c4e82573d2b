"""Names known word by word but not as a whole, and questions that name a part of the document."""

from __future__ import annotations

from app.answering.phrases import PhraseIndex
from app.sections import LIFT, asked_sections, lift, section_kind

TEXTS = [
    "The UN Security Council met. Europe-Caucasus-Asia corridor. President Heydar Aliyev spoke.",
    "Heydər Əliyev Avropa Şurası haqqında danışmadı.",
]


def test_a_name_of_known_words_that_never_occurs_whole_is_unknown() -> None:
    index = PhraseIndex(TEXTS)
    assert index.unknown_names("When did Azerbaijan join the Council of Europe?", "en") == (
        "Council of Europe",
    )
    assert index.unknown_names("What did the UN Security Council decide?", "en") == ()
    # plural and possessive endings still match; titles are no part of a name
    assert index.unknown_names("What did the UN Security Councils say?", "en") == ()
    assert index.unknown_names("What did President Aliyev say?", "en") == ()
    assert index.unknown_names("What did President Ilham Aliyev say?", "en") == ("Ilham Aliyev",)
    # one capitalised word, or an adjective compound, is the word-level signal's business
    assert index.unknown_names("Why did Azerbaijani-Russian ties cool?", "en") == ()


def test_azerbaijani_runs_are_left_to_the_word_level_signal() -> None:
    """Adjacent capitalised words are often separate names in Azerbaijani."""
    index = PhraseIndex(TEXTS)
    assert index.unknown_names("Gürcüstan Əliyevin strategiyasında hansı yeri tuturdu?", "az") == ()


def test_questions_naming_a_section() -> None:
    assert asked_sections("According to the abstract, what did Aliyev seek?") == {"abstract"}
    assert asked_sections("Xülasəyə görə Gürcüstan hansı rolu oynadı?") == {"abstract"}
    assert asked_sections("Nəticə hissəsində Rusiya necə səciyyələndirilir?") == {"conclusion"}
    assert asked_sections("Yekun hissəyə görə Əliyev nə edirdi?") == {"conclusion"}
    assert asked_sections("What does the conclusion say about Iran?") == {"conclusion"}
    # "nəticədə" (as a result) and "results" name no section
    assert asked_sections("Nəticədə Ermənistan nə imzaladı?") == frozenset()
    assert asked_sections("What were the results of the visit?") == frozenset()


def test_section_headings_in_both_languages() -> None:
    assert section_kind("Abstract") == section_kind("Xülasə") == "abstract"
    assert section_kind("Conclusion") == section_kind("Nəticə") == "conclusion"
    assert section_kind("Açar sözlər") == section_kind("Keywords") == "keywords"
    assert section_kind("Research") is None and section_kind("Tədqiqat") is None


class _P:
    def __init__(self, section: str) -> None:
        self.section = section


def test_lift_moves_the_named_sections_paragraphs_up_by_one_first_place() -> None:
    sections = {"p01": "Abstract", "p20": "Research", "p43": "Conclusion"}
    scored = [(("d", "p20"), 0.030), (("d", "p43"), 0.025), (("d", "p01"), 0.010)]

    def versions(doc_id: str, pid: str):
        return {"en": _P(sections[pid])}

    lifted = lift(scored, "What does the conclusion say?", versions)
    assert [key[1] for key, _ in lifted] == ["p43", "p20", "p01"]
    assert lifted[0][1] == 0.025 + LIFT
    assert lift(scored, "What happened in 1994?", versions) == scored


def test_a_spelled_out_name_the_corpus_abbreviates_is_known() -> None:
    index = PhraseIndex(["In September, our country joined the CIS.", "Ölkəmiz MDB-yə daxil oldu."])
    question = "When did Azerbaijan join the Commonwealth of Independent States?"
    assert index.abbreviated(question) == {"Commonwealth of Independent States": "CIS"}
    assert index.unknown_names(question, "en") == ()
    assert index.abbreviated("Azərbaycan Müstəqil Dövlətlər Birliyinə nə vaxt daxil oldu?") == {
        "Müstəqil Dövlətlər Birliyinə": "MDB"
    }
    # initials the corpus never uses are no acronym of it; one word is no spelled-out name
    assert index.abbreviated("When did Azerbaijan join the Council of Europe?") == {}
    assert index.abbreviated("What did Commonwealth decide?") == {}


def test_a_state_is_held_by_its_adjective_and_as_a_party_by_its_capital() -> None:
    from app.answering import aliases

    paragraph = {"russia", "azerbaijan", "iran", "gurcustan"}
    assert aliases.held("iranian", paragraph) and aliases.held("gurcu", paragraph)
    assert not aliases.held("moscow", paragraph)  # as a place, a capital is the city
    assert aliases.held("moscow", paragraph, party=True)
    assert not aliases.held("turkmenistan", paragraph | {"turkey"})  # no prefix of Turkey
    question = "Why did relations with Moscow cool after Aliyev's visit to Ankara?"
    assert not aliases.located(question, "Moscow", "en")
    assert aliases.located(question, "Ankara", "en")
    assert aliases.located("Bakıda hava necədir?", "Bakıda", "az")
    assert not aliases.located("Bakı ilə Tbilisi nə imzaladı?", "Bakı", "az")


def test_a_first_word_is_a_name_only_when_the_corpus_writes_it_as_one() -> None:
    index = PhraseIndex(["The conclusion says that Heydar Aliyev led.", "Nəticə. Bakı böyüdü."])
    assert index.is_name("Heydar") and not index.is_name("Nəticə")


def test_a_word_standing_for_a_state_is_known_through_it() -> None:
    from app.answering import aliases

    party = "Against what did Tbilisi, Baku and Ankara promise to act jointly?"
    assert aliases.stands_for("Ankara", party, "en") == "turkey"
    assert aliases.stands_for("Ankara", "When was the embassy in Ankara opened?", "en") is None
    assert aliases.stands_for("Azerbaijanis", "How many ethnic Azerbaijanis left?", "en") == (
        "azerbaijan"
    )
    assert aliases.stands_for("Kuchma", "Who is Kuchma?", "en") is None
