"""Follow-up questions are rewritten against the previous one; standalone questions are not."""

import pytest

from app.answering.followup import is_followup, resolve


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        (
            "And with Georgia?",
            "What were relations with Russia like?",
            "What were relations with Georgia like?",
        ),
        (
            "What about Iran?",
            "How did Aliyev treat Turkey in 1994?",
            "How did Aliyev treat Iran in 1994?",
        ),
        (
            "and in 1997?",
            "What happened with Russia in 1993?",
            "What happened with Russia in 1997?",
        ),
        (
            "Bəs Gürcüstanla?",
            "Rusiya ilə münasibətlər necə idi?",
            "Gürcüstan ilə münasibətlər necə idi?",
        ),
        ("Bes Iranla?", "Turkiye ile munasibetler nece idi?", "Iran ile munasibetler nece idi?"),
        (
            "Bəs Gürcüstanla münasibətlər necə idi?",
            "Əsrin müqaviləsi nə vaxt təsdiqləndi?",
            "Bəs Gürcüstanla münasibətlər necə idi?",
        ),
        ("When did the war start?", "How did Aliyev treat Turkey?", "When did the war start?"),
        ("And with Georgia?", None, "And with Georgia?"),
    ],
)
def test_resolve(question: str, previous: str | None, expected: str) -> None:
    assert resolve(question, previous) == expected


def test_long_questions_are_never_follow_ups() -> None:
    assert not is_followup(
        "And what did the Baku Declaration of 2001 say about military cooperation?"
    )
    assert is_followup("Georgia?")
