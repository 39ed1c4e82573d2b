"""Questions that name a part of the document: "According to the abstract, …", "Nəticə
hissəsində …", "What does the conclusion say about Russia?".

The reader points at a section, and the abstract and the conclusion restate most facts of the
body, so without the hint the body paragraph that matches best wins and the answer cites the part
the reader did not ask about. Retrieval gives the named section's paragraphs a lift.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from app.corpus import Paragraph
from app.textnorm import fold

#: A section as a question names it (folded text) → its kind.
_ASKED = (
    ("abstract", re.compile(r"\b(?:abstract|summary|xulase\w*|annotasiya\w*)\b")),
    ("keywords", re.compile(r"\b(?:key ?words?|acar soz\w*)\b")),
    ("introduction", re.compile(r"\b(?:introduction|giris\w*)\b")),
    (
        "conclusion",
        re.compile(r"\b(?:conclu\w+|netice (?:hisse|bolme)\w*|neticeye gore|yekun\w*)\b"),
    ),
)
#: A section heading of the corpus (folded) → its kind.
_HEADINGS = (
    ("abstract", re.compile(r"^(?:abstract|summary|xulase|annotasiya)")),
    ("keywords", re.compile(r"^(?:key ?words|acar sozler)")),
    ("introduction", re.compile(r"^(?:introduction|giris)")),
    ("conclusion", re.compile(r"^(?:conclusions?|netice|yekun)")),
)


def asked_sections(question: str) -> frozenset[str]:
    """The kinds of section the question names ("abstract", "conclusion", …)."""
    folded = fold(question)
    return frozenset(kind for kind, pattern in _ASKED if pattern.search(folded))


def section_kind(heading: str) -> str | None:
    """The kind of a paragraph's section heading, in either language; None for the body."""
    folded = fold(heading).strip()
    return next((kind for kind, pattern in _HEADINGS if pattern.match(folded)), None)


#: One first place in one ranking of the reciprocal-rank fusion (1 / (60 + 1)): enough to lift
#: a named section's paragraph over a body paragraph of similar rank, not over a far better one.
LIFT = 1.0 / 61


def lift(
    scored: list[tuple[tuple[str, str], float]],
    question: str,
    versions: Callable[[str, str], Mapping[str, Paragraph]],
) -> list[tuple[tuple[str, str], float]]:
    """``scored``: ((doc_id, pid), fused score), best first; re-sorted with the lift."""
    asked = asked_sections(question)
    if not asked:
        return scored

    def named(key: tuple[str, str]) -> bool:
        return any(section_kind(p.section) in asked for p in versions(*key).values())

    return sorted(((key, s + LIFT * named(key)) for key, s in scored), key=lambda x: -x[1])
