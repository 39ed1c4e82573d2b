"""What the answer body shows: whole sentences in reading order within a word budget, list
markers stripped, each with the exact span of the paragraph it quotes (so the citation can
highlight it), and the sentence the short answer quotes always among them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answering.select import Pick, version_of
from app.corpus import Paragraph
from app.retrieval import Hit

#: "About 60 words": one sentence is cut at 60, and a second joins only while the body stays
#: within 75 (on the fit split a strict 60 dropped the sentence that held the answer).
MAX_SENTENCE_WORDS = 60
MAX_BODY_WORDS = 75
MAX_LIST_WORDS = 60  # the items a sentence announces ("the following periods:") are the answer
#: List markers and bullet labels ("• Türkiyə: ", "2. ") are layout, not part of the answer.
_MARKER = re.compile(r"^\s*(?:[•▪●◦‣\-–]\s*(?:[^:\s][^:]{0,30}:\s+)?|\d+[.)]\s+)")


def ordered(picked: Sequence[Pick]) -> list[tuple[Hit, int]]:
    """Picked sentences as (paragraph, sentence index): paragraphs in order of first pick (the
    best sentence's first), each paragraph's sentences in reading order."""
    chosen: dict[tuple[str, str], tuple[Hit, list[int]]] = {}
    for pick in picked:
        chosen.setdefault((pick.hit.doc_id, pick.hit.pid), (pick.hit, []))[1].append(pick.index)
    return [(hit, i) for hit, indices in chosen.values() for i in sorted(set(indices))]


def items(extra: Sequence[Hit], picked: Sequence[Pick], lang: str) -> list[tuple[Hit, int]]:
    """Every sentence of the list items that the picked sentences do not already cover."""
    taken = {(p.hit.doc_id, p.hit.pid) for p in picked}
    return [
        (item, i)
        for item in extra
        if (item.doc_id, item.pid) not in taken
        for i in range(len(version_of(item, lang).sentences))
    ]


def fit(
    sentences: Sequence[tuple[Hit, int]],
    lang: str,
    budget: int,
    *,
    keep: int | None = 0,
    then: int | None = None,
) -> list[tuple[Hit, tuple[int, int], str]]:
    """What the body shows, within ``budget`` words, in reading order: whole sentences, list
    markers stripped, each with the exact span of the paragraph it shows. Sentence number
    ``keep`` (the one the short answer quotes) is always shown, cut with an ellipsis when it
    alone is too long; sentence ``then`` (the best match, when another one holds the short
    answer) has the next claim on the budget; the others are shown in full or left out, so
    every cited span is shown whole or visibly cut."""
    shown = [_shown(version_of(hit, lang), index) for hit, index in sentences]
    chosen: set[int] = set()
    if keep is not None and shown:
        budget -= min(budget, len(shown[keep][1]), MAX_SENTENCE_WORDS)
        chosen.add(keep)
    order = [then] if then is not None and then != keep else []
    for n in [*order, *range(len(shown))]:
        if n not in chosen and len(shown[n][1]) <= budget:
            budget -= len(shown[n][1])
            chosen.add(n)
    out: list[tuple[Hit, tuple[int, int], str]] = []
    for n, ((hit, _), (span, words)) in enumerate(zip(sentences, shown, strict=True)):
        if n not in chosen:
            continue
        if n == keep and len(words) > MAX_SENTENCE_WORDS:
            words = [*words[:MAX_SENTENCE_WORDS], "…"]
        out.append((hit, span, " ".join(words)))
    return out


def _shown(p: Paragraph, index: int) -> tuple[tuple[int, int], list[str]]:
    """A sentence's span without its list marker, and its words."""
    sentence = p.sentences[index]
    marker = _MARKER.match(sentence.text)
    skip = marker.end() if marker else 0
    return (sentence.start + skip, sentence.end), sentence.text[skip:].split()


def sentence_at(p: Paragraph, offset: int) -> int:
    return next(i for i, s in enumerate(p.sentences) if s.start <= offset < s.end)


def quote(p: Paragraph, spans: Sequence[tuple[int, int]]) -> str:
    return " ".join(p.text[a:b] for a, b in spans)
