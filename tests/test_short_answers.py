"""What a question asks for, and the short answer lifted verbatim from the cited sentence."""

from __future__ import annotations

import pytest

from app.answering.endings import trim
from app.answering.qtype import AnswerType, answer_type, head_noun, is_plural
from app.answering.spans import has_type, located_span, short_answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was the Contract of the Century approved?", AnswerType.DATE),
        ("Which years did Aliyev's leadership span?", AnswerType.DATE),
        ("Əsrin müqaviləsi nə vaxt təsdiqləndi?", AnswerType.DATE),
        ("Hansı ildə MDB-yə qoşuldu?", AnswerType.DATE),
        ("How many documents were signed?", AnswerType.NUMBER),
        ("Neçə sənəd imzalandı?", AnswerType.NUMBER),
        ("Nece sened imzalandi?", AnswerType.NUMBER),  # "neçə" typed without its letters
        ("Turkiye ile munasibetler nece idi?", None),  # "necə" (how), not "neçə" (how many)
        ("Who headed the commission?", AnswerType.PERSON),
        ("Komissiyaya kim rəhbərlik edirdi?", AnswerType.PERSON),
        ("Strateji tərəfdaş kimi Türkiyə nə etdi?", None),  # "kimi" is "as", not "whom"
        ("Where was the embassy opened?", AnswerType.PLACE),
        ("Gürcüstan səfirliyi harada açıldı?", AnswerType.PLACE),
        ("Which agreement was adopted in April 2002?", AnswerType.NAMED),
        ("Hansı saziş imzalandı?", AnswerType.NAMED),
        ("Which Turkish leaders invited Aliyev?", AnswerType.PERSON),
        ("Hansı prezident imzaladı?", AnswerType.PERSON),
        ("Why did Azerbaijan exclude Armenia?", None),
    ],
)
def test_answer_type(question: str, kind: AnswerType | None) -> None:
    assert answer_type(question) == kind


def test_head_noun_and_plural() -> None:
    assert head_noun("Which three states signed it?") == "state"
    assert head_noun("L.A. Kojevnikov was a deputy director of which Russian body?") == "body"
    assert "layihəsi".startswith(head_noun("Gələcək layihələrin bünövrəsini hansı layihə qoydu?"))
    assert "prinsipi".startswith(head_noun("Iranla elaqeler hansi prinsipe esaslanirdi?"))
    assert is_plural("Which three states signed it?")
    assert is_plural("Heydər Əliyev İrana hansı illərdə səfər edib?")
    assert not is_plural("Which agreement was adopted?")


CONTRACT_EN = (
    'The "Contract of the Century" approved on September 20, 1994 led to the laying of the '
    "foundation of the oil strategy (Ulu Öndər Heydər Əliyev xatirələrdə, 2023)."
)
CONTRACT_AZ = (
    '20 sentyabr 1994-cü ildə təsdiqlənmiş "Əsrin müqaviləsi" neft strategiyasına səbəb oldu.'
)


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        ("When was the Contract of the Century approved?", CONTRACT_EN, "en", "September 20, 1994"),
        ("Əsrin müqaviləsi nə vaxt təsdiqləndi?", CONTRACT_AZ, "az", "20 sentyabr 1994-cü il"),
        (
            "Azərbaycan MDB-yə nə vaxt qoşuldu?",
            "1993-cü ilin sentyabrında ölkəmiz MDB-yə qoşuldu.",
            "az",
            "1993-cü ilin sentyabrı",
        ),
        (
            "Azerbaycanin Tbilisideki sefirliyi ne vaxt acildi?",
            "Lakin 1995-ci ilin fevralında Bakıda Gürcüstan səfirliyi, 1996-cı ilin martında isə "
            "Tbilisidə Azərbaycan səfirliyi açıldı.",
            "az",
            "1996-cı ilin martı",  # the date next to the words the question asks about
        ),
        (
            "How many documents came out of the trip?",
            "During the visit, a protocol and an agreement on the progress of friendship "
            "from February 4 to 11, 1994 and 16 important documents were signed.",
            "en",
            "16 important documents",  # not the "4" inside a date, not the verb after it
        ),
        (
            "Azərbaycanla Gürcüstan arasında neçə sənəd imzalanıb?",
            "İki ölkə arasında hüquqi və normativ əhəmiyyət daşıyan yüzdən çox sənəd "
            "imzalanmışdır.",
            "az",
            "yüzdən çox sənəd",  # "iki ölkə" (the two countries) counts no documents
        ),
        (
            "Who headed the commission created in January 1996?",
            "As a result, a commission headed by L.A. Kojevnikov, deputy director of the Russian "
            "Federal Border Service, was created in January 1996.",
            "en",
            "L.A. Kojevnikov",
        ),
        (
            "Heydər Əliyev Moskvada kiminlə görüşdü?",
            "1993-cü ilin sentyabrında Heydər Əliyev Moskvada Rusiya Prezidenti Boris Yeltsinlə "
            "görüşərək əməkdaşlığı müzakirə etdi.",
            "az",
            "Boris Yeltsin",  # the name, not the one the question already says; "-lə" cut off
        ),
        (
            "Where was the Georgian embassy opened in 1995?",
            "However, in February 1995, the Georgian embassy was opened in Baku.",
            "en",
            "Baku",
        ),
        (
            "Which agreement did Georgia, Azerbaijan and Turkey adopt in April 2002?",
            'In April 2002, Georgia, Azerbaijan and Turkey adopted the "Trabzon Agreement".',
            "en",
            "Trabzon Agreement",
        ),
        (
            "Which three states signed the Trabzon Agreement?",
            'In April 2002, Georgia, Azerbaijan and Turkey adopted the "Trabzon Agreement".',
            "en",
            "Georgia, Azerbaijan and Turkey",
        ),
        (
            "Which pipeline is given as an example of joint infrastructure?",
            "Both developed strong ties, with joint infrastructure projects like the BTC pipeline.",
            "en",
            "BTC pipeline",
        ),
        (
            "Which Turkish leaders invited Aliyev over in 1992?",
            "Thus, on March 22, 1992, Heydar Aliyev visited Turkey at the invitation of Turkish "
            "Prime Minister Turgut Özal and Prime Minister Suleyman Demirel.",
            "en",
            "Turgut Özal; Suleyman Demirel",  # people asked by office; not Aliyev, who was asked
        ),
        (
            "Əliyev müstəqilliyi hansı dövlətlərin təsirindən qorumağa çalışırdı?",
            "Heydər Əliyev onun müstəqilliyini Rusiya və İranın təsirindən qorumağa çalışırdı.",
            "az",
            "Rusiya və İranın",  # the genitive stays: cutting "-nın" would leave "İra"
        ),
        (
            "At whose invitation did Aliyev go?",
            "During Heydar Aliyev’s period, Azerbaijan’s relations were marked by pragmatism.",
            "en",
            "",  # the person the question names (by surname) is not the one it asks for
        ),
        (
            "Whose influence did Aliyev want to escape?",
            "Aliyev sought to keep the country free of the influence of Russia and Iran.",
            "en",
            "Russia",  # "whose influence": a country, though no person
        ),
        ("Why was the pipeline built?", CONTRACT_EN, "en", ""),  # not a factoid question
    ],
)
def test_short_answer(question: str, sentence: str, lang: str, expected: str) -> None:
    span = short_answer(answer_type(question), [(sentence, lang)], question)
    assert span == expected
    # verbatim: each item (several are joined by "; ") is a slice of the sentence
    assert all(item in sentence for item in span.split("; "))


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Bakıdan", "Bakı"), ("İrandan", "İran"), ("Rusiyaya", "Rusiya"), ("Tbilisidəki", "Tbilisi")],
)
def test_azerbaijani_case_endings_never_eat_the_name(word: str, expected: str) -> None:
    sentence = f"Nümayəndə heyəti {word} gəldi."
    assert short_answer(AnswerType.PLACE, [(sentence, "az")], "Haradan gəldi?") == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("MDB-yə", "MDB"), ("NATO-nun", "NATO"), ("ATƏT-in", "ATƏT"), ("1994-cü", "1994-cü")],
)
def test_an_acronym_loses_its_hyphenated_case_ending(word: str, expected: str) -> None:
    assert trim(word, "az") == expected
    assert trim(word, "en") == word  # English has no case endings to cut


def test_azerbaijani_spans_are_prefixes_of_the_corpus_words() -> None:
    span = short_answer(AnswerType.DATE, [(CONTRACT_AZ, "az")], "nə vaxt?")
    assert CONTRACT_AZ.startswith(span) and span == "20 sentyabr 1994-cü il"


def test_plural_questions_collect_from_every_cited_sentence() -> None:
    sentences = [
        ("Heydər Əliyevin 2002-ci ildə İrana səfəri zamanı sənədlər imzalandı.", "az"),
        ("Heydər Əliyevin isə 1994-cü ilin iyun-iyul aylarında İrana səfərləri oldu.", "az"),
    ]
    span = short_answer(AnswerType.DATE, sentences, "Heydər Əliyev İrana hansı illərdə səfər edib?")
    assert "2002" in span and "1994" in span


def test_references_are_not_answers() -> None:
    sentence = "Armenia signed a ceasefire agreement (Mehdiyev, Əhmədoğlu, 2013, p. 191)."
    assert short_answer(AnswerType.DATE, [(sentence, "en")], "When was it signed?") == ""
    assert short_answer(AnswerType.PERSON, [(sentence, "en")], "Who signed it?") != "Mehdiyev"


def test_has_type() -> None:
    assert has_type(AnswerType.DATE, "It began on May 12, 1994.", "en")
    assert not has_type(AnswerType.DATE, "Relations with Iran were cautious.", "en")
    assert has_type(None, "anything", "en")


PIPELINE = (
    "The South Caucasus pipeline with a total length of 691,000 meters, 443,000 meters above the "
    "territory of Azerbaijan and 248,000 meters above the territory of Georgia was implemented "
    "at the end of 2006."
)
CONFLICT = (
    "As a result of the conflict, 20% of Azerbaijan's lands were trampled over a period of "
    "nearly 30 years, more than a million refugees and internally displaced persons were "
    "displaced from their homes."
)


@pytest.mark.parametrize(
    ("question", "sentences", "expected"),
    [
        # the count whose unit names what is counted, not the first number
        ("How many refugees did the conflict produce?", [(CONFLICT, "en")], "a million refugees"),
        # "how long" wants a duration
        ("How long were the lands trampled?", [(CONFLICT, "en")], "nearly 30 years"),
        # two counts asked together come back together
        (
            "How many countries and organisations attended?",
            [("It gathered 32 countries and thirteen international organizations.", "en")],
            "32 countries and thirteen international organizations",
        ),
        # a vague count loses to a figure
        (
            "How many people were deported?",
            [("250 thousand people were deported, and hundreds were killed.", "en")],
            "250 thousand people",
        ),
        # part of a year is a date
        ("When was the pipeline implemented?", [(PIPELINE, "en")], "the end of 2006"),
        # the next cited sentence answers when its words sit around the date
        (
            "When was a cooperation agreement adopted during the visit?",
            [
                ("On March 22, 1992, Aliyev visited Turkey at the invitation of Özal.", "en"),
                ("During this visit, a cooperation agreement was adopted on March 24.", "en"),
            ],
            "March 24",
        ),
        # a list item names what the rest of it dates
        (
            "What do experts call the October 1993 to January 2001 stage?",
            [("Constructive dialogue - from October 1993 to January 2001;", "en")],
            "Constructive dialogue",
        ),
        # an uncapitalised name built on the head noun, asked without Azerbaijani letters
        (
            "Iranla elaqeler hansi prinsipe esaslanirdi?",
            [("Əlaqələr səmimi qonşuluq prinsipi əsasında quruldu.", "az")],
            "səmimi qonşuluq prinsipi",
        ),
    ],
)
def test_span_ranking(question: str, sentences: list[tuple[str, str]], expected: str) -> None:
    short = short_answer(answer_type(question), sentences, question)
    assert expected in short
    assert any(short in s for s, _ in sentences)  # still a verbatim slice


def test_unit_stops_where_a_name_starts() -> None:
    az = (
        "Ümumi uzunluğu 691,000 metr olan, bunun 443,000 metri Azərbaycan ərazisi, 248,000 "
        "metri isə Gürcüstan ərazisi üzərindən keçir."
    )
    question = "Kəmərin Gürcüstan ərazisindən keçən hissəsi nə qədərdir?"
    assert short_answer(answer_type(question), [(az, "az")], question) == "248,000 metri"


def test_the_marker_follows_the_sentence_the_short_answer_comes_from() -> None:
    from app.answering.spans import located_span

    first = ("On March 22, 1992, Aliyev visited Turkey.", "en")
    second = ("During this visit, a cooperation agreement was adopted on March 24.", "en")
    question = "When was the cooperation agreement adopted?"
    text, _, source = located_span(answer_type(question), [first, second], question)
    assert (text, source) == ("March 24", 1)


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        (
            "When and where did Aliyev meet Boris Yeltsin?",
            "In September 1993, Heydar Aliyev met with Russian President Boris Yeltsin in Moscow.",
            "en",
            "September 1993; Moscow",
        ),
        (
            "Əliyev Yeltsinlə nə vaxt və harada görüşdü?",
            "1993-cü ilin sentyabrında Heydər Əliyev Moskvada Boris Yeltsinlə görüşdü.",
            "az",
            "1993-cü ilin sentyabrı; Moskva",
        ),
    ],
)
def test_when_and_where_gives_both(question: str, sentence: str, lang: str, expected: str) -> None:
    assert short_answer(answer_type(question), [(sentence, lang)], question) == expected


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # "when" after the question's own wh-word opens a clause
        ("What office was Aliyev holding when he visited Turkey?", AnswerType.NAMED),
        ("Who did Aliyev meet when he visited Moscow?", AnswerType.PERSON),
        ("What did Aliyev do when he came to power?", None),
        ("Apart from the talks, with whom did Aliyev negotiate?", AnswerType.PERSON),
        ("Since which decade has Azerbaijan supported Georgia?", AnswerType.DATE),
        ("Azərbaycan hansı birliyə üzv oldu?", AnswerType.NAMED),
    ],
)
def test_answer_type_of_clauses_and_new_heads(question: str, kind: AnswerType | None) -> None:
    assert answer_type(question) == kind


PERIODS_EN = "Constructive dialogue - from October 1993 to January 2001;"
PERIODS_AZ = "Strateji tərəfdaşlıq dövrü - 2001-ci ilin yanvarından 2008-ci ilin iyulunadək;"


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        # the edge of a range that the question asks for
        ("When did the constructive dialogue period end?", PERIODS_EN, "en", "January 2001"),
        ("Since when did the constructive dialogue run?", PERIODS_EN, "en", "October 1993"),
        ("Bu dövr hansı tarixədək sürdü?", PERIODS_AZ, "az", "2008-ci ilin iyulu"),
        ("Bu dövr nə vaxtdan başladı?", PERIODS_AZ, "az", "2001-ci ilin yanvarı"),
        (
            "Kütləvi mitinqlər nə vaxtdan başladı?",
            "1987-ci ilin sonlarından etibarən İrəvanda toplantılar keçirilirdi, 1988-ci ildə "
            "isə artdı.",
            "az",
            "1987-ci ilin sonları",
        ),
        # a duration in words answers "how long after"
        (
            "How long after the report did the defence minister admit it?",
            "A month later, Defense Minister Igor Rodinov confirmed that Russia sent weapons.",
            "en",
            "A month later",
        ),
        (
            "Müdafiə naziri bunu hesabatdan nə qədər sonra təsdiqlədi?",
            "Bir ay sonra müdafiə naziri İqor Rodinov bunu təsdiqlədi.",
            "az",
            "Bir ay sonra",
        ),
        # an office with what it heads
        (
            "What office was Aliyev holding when he regarded Turkey as a partner?",
            "Aliyev valued Turkey when he was the chairman of the Supreme Soviet of Nakhchivan MR.",
            "en",
            "chairman of the Supreme Soviet of Nakhchivan MR",
        ),
        (
            "Heydər Əliyev hansı vəzifəni tutarkən Türkiyəyə önəm verirdi?",
            "Heydər Əliyev hələ Naxçıvan MR Ali Sovetinin sədri olduğu dövrdə Türkiyəyə önəm "
            "verirdi.",
            "az",
            "Naxçıvan MR Ali Sovetinin sədri",
        ),
        (
            "Apart from summits, with whom did Aliyev hold direct talks on Karabakh?",
            "In multilateral meetings, as well as in direct negotiations with the President of "
            "Armenia, he took this problem as a basis.",
            "en",
            "President of Armenia",
        ),
        # the asked kind is no part of what the question says; the question's own phrase is
        (
            "Besides the transport agreement, what declaration did the Baku conference adopt?",
            "At the meeting held in Baku, the Multilateral Basic Agreement on International "
            "Transport and the Baku Declaration on the transport corridor were adopted.",
            "en",
            "Baku Declaration",
        ),
        (
            "In which French newspaper did the adviser argue for it?",
            "He said so in an interview with the French newspaper (Humanité) in 1987.",
            "en",
            "Humanité",
        ),
    ],
)
def test_short_answers_of_ranges_durations_offices_and_heads(
    question: str, sentence: str, lang: str, expected: str
) -> None:
    assert short_answer(answer_type(question), [(sentence, lang)], question) == expected


def test_a_sentence_opening_word_with_a_case_ending_is_no_place() -> None:
    """ "Nəticədə" (as a result) opens the sentence; it is not a place called "Nəticə"."""
    question = "1994-cü il atəşkəs sazişi hansı şəhərdə imzalanıb?"
    sentence = "Nəticədə Ermənistan Azərbaycan Respublikası ilə atəşkəs sazişini imzaladı."
    assert not short_answer(answer_type(question), [(sentence, "az")], question).startswith("Nət")


def test_more_answer_types() -> None:
    assert answer_type("In which months of 1994 did Aliyev travel to Iran?") is AnswerType.DATE
    assert answer_type("Gürcüstanda hansı dövlət başçısının həyatına qəsd edilmişdi?") is (
        AnswerType.PERSON
    )
    assert is_plural("Heydər Əliyev Türkiyəyə kimlərin dəvəti ilə getmişdi?")


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        (  # the name in brackets after the head noun; "ildə" (in the year) is no modifier
            "Aqanbekyan müsahibəni hansı fransız qəzetinə vermişdi?",
            "Abel Aqanbekyan 1987-ci ildə fransız qəzetinə (Humanite) verdiyi müsahibədə danışdı.",
            "az",
            "Humanite",
        ),
        (  # "which city" is not answered by a country
            "In which city were the 1997 talks held?",
            "In July 1997 talks with Russia were held in Moscow on the Caspian Sea.",
            "en",
            "Moscow",
        ),
        (  # an office alone is no person
            "Heydər Əliyev Türkiyəyə kimlərin dəvəti ilə getmişdi?",
            "Heydər Əliyev Türkiyənin Baş naziri Turqut Özalın və Baş nazir Süleyman Dəmirəlin "
            "dəvəti ilə Türkiyəyə səfər etdi.",
            "az",
            "Turqut Özalın; Süleyman Dəmirəlin",
        ),
    ],
)
def test_short_answers_of_heads_cities_and_people(
    question: str, sentence: str, lang: str, expected: str
) -> None:
    assert short_answer(answer_type(question), [(sentence, lang)], question) == expected


def test_a_rare_name_beats_the_one_on_every_page() -> None:
    """With the corpus' word weights, "Shevardnadze" (rare) wins over "Heydar Aliyev" (on every
    page) when both stand in the sentence."""
    question = "Which head of state was targeted by an assassination attempt?"
    sentence = (
        "Heydar Aliyev condemned the attempt on the life of Georgian President Eduard "
        "Shevardnadze, which was made at that time."
    )
    common = {"heydar", "aliyev"}

    def weight(term: str) -> float:
        return 0.05 if term in common else 0.7

    kind = answer_type(question)
    found, _, _ = located_span(kind, [(sentence, "en")], question, weight)
    assert found == "Eduard Shevardnadze"


def test_typed_plurals_second_halves_and_until_which_time() -> None:
    assert is_plural("Hansi olkeler daxildir?")  # "hansı ölkələr" typed without its letters
    assert not is_plural("Which ruler signed it?")
    question = "Bu münasibətlər hansı vaxtadək praktiki olaraq yox idi?"
    sentence = (
        "Diplomatik münasibətlər 18 noyabr 1992-ci ildə qurulsa da, 1993-cü ilin ikinci "
        "yarısınadək bu münasibətlər demək olar ki, mövcud deyildi."
    )
    assert answer_type(question) is AnswerType.DATE
    assert short_answer(answer_type(question), [(sentence, "az")], question).startswith(
        "1993-cü ilin ikinci yarı"
    )


def test_a_person_or_a_sea_is_no_city() -> None:
    question = "In which city were the 1997 meetings held where the Caspian was discussed?"
    sentence = (
        "In July 1997, President Heydar Aliyev visited Moscow, where the status of the "
        "Caspian Sea was discussed."
    )
    assert short_answer(answer_type(question), [(sentence, "en")], question) == "Moscow"


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        # money asked, metres found: no short answer (and so "type_missing" for answerability)
        (
            "How much did it cost to build the South Caucasus gas pipeline?",
            "The South Caucasus pipeline with a total length of 691,000 meters was built in 2006.",
            "en",
            "",
        ),
        (
            "How much money was invested?",
            "Investors committed $7.4 billion to it.",
            "en",
            "7.4 billion",
        ),
        (
            "What percentage of the land was occupied?",
            "Then 20% of the land was occupied.",
            "en",
            "20%",
        ),
        (
            "Əsrin müqaviləsi çərçivəsində nə qədər vəsait qoyulub?",
            "Müqavilə 691,000 metr uzunluğunda kəmərin tikintisini nəzərdə tuturdu.",
            "az",
            "",
        ),
    ],
)
def test_a_number_must_carry_the_asked_unit(
    question: str, sentence: str, lang: str, expected: str
) -> None:
    assert short_answer(answer_type(question), [(sentence, lang)], question) == expected


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("At what point did Aliyev go to Moscow?", AnswerType.DATE),
        ("Səfər fevralın neçəsində başladı?", AnswerType.DATE),  # which day of the month
        ("What is the overall length of the pipeline in metres?", AnswerType.NUMBER),
        ("Name the agreement signed in Moscow in 1997.", AnswerType.NAMED),
        ("What is the full title of the Tbilisi Declaration?", AnswerType.NAMED),
        ("Which committee did Rocklin chair?", AnswerType.NAMED),
        ("Which country did Aliyev visit in March 1992?", AnswerType.PLACE),
        ("Hansı ölkəyə səfər etdi?", AnswerType.PLACE),
        ("According to which author did Armenia sign the ceasefire?", AnswerType.PERSON),
        ("Bu məlumat hansı müəllifə istinadən verilir?", AnswerType.PERSON),
        ("Whose influence did Baku and Tbilisi want to limit?", AnswerType.NAMED),
        ("At whose invitation did Aliyev visit Turkey?", AnswerType.PERSON),
    ],
)
def test_question_forms_of_the_second_dev_round(question: str, kind: AnswerType) -> None:
    assert answer_type(question) == kind


def test_the_head_is_the_noun_that_names_a_kind() -> None:
    assert head_noun("Which gas field did the order concern?") == "field"
    assert head_noun("Which transport agreement was adopted?") == "agreement"
    assert head_noun("Which project was it?") == "project"


@pytest.mark.parametrize(
    ("question", "sentence", "lang", "expected"),
    [
        (
            "Which author is the figure on Armenians abroad taken from?",
            "Even the number of Armenians living in Armenia is three times less than the number "
            "of those living abroad (Məmmədzadə, 2023, p. 126).",
            "en",
            "Məmmədzadə",  # a reference's author keeps its "-də": it is no locative
        ),
        (
            "Bu barədə məlumat hansı müəlliflərə istinadən verilib?",
            "Səfər zamanı 22 müqavilə və ticarət sazişi imzalanmışdır (Mamedova, Guseynov, 2003).",
            "az",
            "Mamedova, Guseynov",
        ),
        (
            "Where is the Shah Deniz gas field located?",
            "The Shah Deniz gas field in the Azerbaijani part of the Caspian Sea was created.",
            "en",
            "Caspian Sea",  # "Azerbaijani" qualifies "part": no place
        ),
        (
            "Which gas field did the August 1999 order concern?",
            "On August 17, 1999, the President of the Republic of Azerbaijan issued an Order on "
            "the export of gas from the Shah Deniz field to Europe.",
            "en",
            "Shah Deniz field",
        ),
        (
            "Türkiyə ilə saziş martın neçəsində qəbul edildi?",
            "Bu səfər zamanı 24 martda əməkdaşlıq haqqında saziş qəbul edildi.",
            "az",
            "24 mart",
        ),
        (
            "İlk rəsmi səfər 1994-cü il fevralın neçəsində başlamışdı?",
            "Heydər Əliyevin 1994-cü il fevralın 4-dən 11-dək davam edən Türkiyəyə ilk rəsmi "
            "səfəri yeni təkan oldu.",
            "az",
            "1994-cü il fevralın 4-dən 11",  # the range, its last ending cut
        ),
        (
            "Which transport agreement was adopted at the 1998 Baku conference?",
            "At the meeting held in Baku on September 7-8, 1998, the Multilateral Basic Agreement "
            "on International Transport and the Baku Declaration were adopted.",
            "en",
            "Multilateral Basic Agreement on International Transport",  # what it is on, too
        ),
        (
            "Which sea-related question was discussed in Moscow in 1997?",
            "Political relations, the status of the Caspian Sea, and the illegal arms transfer "
            "from Russia to Armenia were discussed.",
            "en",
            "Caspian Sea",  # the question says what kind of place
        ),
        (
            "Saziş Türkiyənin hansı bölgə ilə münasibətlərinə aid idi?",
            "Heydər Əliyev Türkiyənin Baş naziri Turqut Özalın dəvəti ilə Türkiyəyə səfər etdi. "
            "Sazişdə Türkiyə ilə Naxçıvan Muxtar Respublikası arasında münasibətlər qeyd olunurdu.",
            "az",
            "Naxçıvan Muxtar Respublikası",  # a name after a title is a person, no region
        ),
        (
            "Whose Silk Road programme was approved in Brussels?",
            "At a meeting in Brussels of the ministers of five Central Asian republics, TRACECA’s "
            "Silk Road program was approved.",
            "en",
            "TRACECA’s Silk Road",  # "Central Asian" qualifies "republics": no name
        ),
    ],
)
def test_authors_places_heads_and_days(
    question: str, sentence: str, lang: str, expected: str
) -> None:
    assert short_answer(answer_type(question), [(sentence, lang)], question) == expected


def test_function_words_are_no_evidence_and_adjectives_name_their_state() -> None:
    from app.answering import aliases
    from app.answering.spans import _Asked

    asked = _Asked.of(AnswerType.DATE, "When did Georgia open its embassy in Baku?", None)
    assert {"did", "its", "in", "whe"}.isdisjoint(asked.terms)
    assert {"georgia", "embassy", "baku"} <= asked.terms
    assert aliases.state_of("georgian") == "georgia" and aliases.state_of("iranian") == "iran"
    assert aliases.state_of("tbilisi") is None  # a capital is a place of its own


def test_a_state_asked_by_two_adjectives_takes_the_heavier_weight() -> None:
    from app.answering.spans import _weights

    weight = {"georgian": 0.9, "gurcu": 0.4, "embassy": 1.0}.get
    for asked in ({"georgian", "gurcu", "embassy"}, {"embassy", "gurcu", "georgian"}):
        weights = _weights(asked, weight)
        assert weights["georgia"] == weights["georgian"]  # not whichever the set yields first


def test_a_hyphenated_name_before_the_head_noun_is_kept_whole() -> None:
    sentence = (
        "Azərbaycan qazının Gürcüstan ərazisindən Bakı-Tbilisi-Ərzurum qaz kəməri vasitəsilə "
        "ixracı məqsədəuyğun hesab edilir."
    )
    question = "Azərbaycan qazının ixracı hansı qaz kəməri vasitəsilə məqsədəuyğun hesab edilir?"
    span = short_answer(answer_type(question), [(sentence, "az")], question)
    assert span.startswith("Bakı-Tbilisi-Ərzurum"), span
