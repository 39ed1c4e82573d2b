"""The splitter decides what a citable sentence is, in both languages."""

import pytest

from app.sentences import split, split_spans

CASES = [
    (
        "A commission headed by L.A. Kojevnikov, deputy director, was created. It met in 1996.",
        [
            "A commission headed by L.A. Kojevnikov, deputy director, was created.",
            "It met in 1996.",
        ],
    ),
    (
        "It was the policy of Z. Gamsakhurdia. Then E. Shevardnadze came.",
        ["It was the policy of Z. Gamsakhurdia.", "Then E. Shevardnadze came."],
    ),
    (
        "This is developing (Hüseynova, 2016, p. 153). As the President said.",
        ["This is developing (Hüseynova, 2016, p. 153).", "As the President said."],
    ),
    (
        "See No. 5 and pp. 12-14 for details. Next.",
        ["See No. 5 and pp. 12-14 for details.", "Next."],
    ),
    (
        "The pipeline is 691,000 meters long. In 1993–2003 it grew.",
        ["The pipeline is 691,000 meters long.", "In 1993–2003 it grew."],
    ),
    (
        'They knew that "oil has its good sides as well as its bad sides." The "Deal" was signed.',
        [
            'They knew that "oil has its good sides as well as its bad sides."',
            'The "Deal" was signed.',
        ],
    ),
    ("1. The phase of conflicts - from April 1991 to October 1993;", None),
    (
        "• Russia: Azerbaijan kept a balance. It also cooperated.",
        ["• Russia: Azerbaijan kept a balance.", "It also cooperated."],
    ),
    (
        "The Supreme Soviet of Nakhchivan MR. Thus, on March 22 he went.",
        ["The Supreme Soviet of Nakhchivan MR.", "Thus, on March 22 he went."],
    ),
    ("Poles were tense. 3 main aspects exist.", ["Poles were tense.", "3 main aspects exist."]),
    (
        "Bu, 1993-cü il idi. Müqavilə 20 sentyabr 1994-cü ildə imzalandı.",
        ["Bu, 1993-cü il idi.", "Müqavilə 20 sentyabr 1994-cü ildə imzalandı."],
    ),
    ("Mənbə: səh. 82 göstərilib. Əliyev gəldi.", ["Mənbə: səh. 82 göstərilib.", "Əliyev gəldi."]),
    (
        "Kitablar, jurnallar və s. Üstəlik qəzetlər.",
        ["Kitablar, jurnallar və s.", "Üstəlik qəzetlər."],
    ),
    ("Is it true? Yes! İrəvan is far.", ["Is it true?", "Yes!", "İrəvan is far."]),
    (
        "Dr. Smith and e.g. others met. U.S. Army came.",
        ["Dr. Smith and e.g. others met.", "U.S. Army came."],
    ),
    ('Saakashvili said: "None supported us." (Qasımlı, 2015, p. 82).', None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split(text: str, expected: list[str] | None) -> None:
    assert split(text) == (expected if expected is not None else [text])


def test_spans_point_into_the_text() -> None:
    text = "  First one.   Second (p. 2) one!  Third?  "
    spans = split_spans(text)
    assert [s.of(text) for s in spans] == ["First one.", "Second (p. 2) one!", "Third?"]
    assert all(text[s.start] != " " and text[s.end - 1] != " " for s in spans)


def test_empty_text_has_no_sentences() -> None:
    assert split("   ") == []
