"""Which sentences answer the question: scored from the vectors stored at index time, then
corrected by what the question asks for.

Similarity alone picks the sentence that sounds most like the question, which for "when" is often
the sentence before the one with the date. So a factoid question prefers a sentence holding the
asked kind of fact, and when the best sentence lacks it, a neighbour that has it takes its place
(when nearly as close) or joins it (within a wider margin), so the body shows both. A sentence
that announces a list ("the following periods:") brings the list that follows it. A question is
often worded from one sentence while the next one, which leans on it, holds the answer ("…drew up
a multi-combination political-diplomatic line." / "For this line, the principles of 'open door'
…"): that next sentence is shown with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.answering.qtype import AnswerType
from app.answering.spans import has_type
from app.corpus import Corpus, Paragraph
from app.retrieval import Hit
from app.textnorm import tokens

MAX_SENTENCES = 3
KEEP_WITHIN = 0.025  # extra sentences must score within this of the best one
NEIGHBOUR_WITHIN = 0.06  # a sentence next to the best one may complete it, so it gets more room
TYPE_BONUS = 0.02  # a sentence holding the asked kind of fact (a date for "when") gets this
SWAP_WITHIN = 0.05  # a typed neighbour replaces an untyped best sentence within this margin
TYPED_NEIGHBOUR_WITHIN = 0.15  # else a typed sentence next to it joins it within this margin
CANDIDATE_PARAGRAPHS = 3
MAX_LIST_ITEMS = 6
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[•\-–])\s+")
#: "This fact …", "because of this.", "Such a policy …", "Bu fakt …", "Buna görə …": the
#: sentence leans on the one before it.
_ANAPHORIC = re.compile(
    r"^(?:This|These|Such|Bu|Buna|Bunun|Belə|Həmin)\b|\b(?:because of this|of this|bu səbəbdən|"
    r"buna görə)\W*$"
)

#: "For this line, …", "The reason for this was …", "All three countries …", "Bu məqam …": a
#: sentence that opens by pointing back continues the one before it.
_LEANS_BACK = re.compile(
    r"^(?:(?:This|These|That|Those|Such|It(?! is (?:clear|known|obvious))|They|He|There|Both"
    r"|All (?:two|three|four))\b"
    r"|(?:During|For|After|In|At|Under|With|Despite|As a result of|The reason for) "
    r"(?:this|these|that|those|such)\b"
    r"|(?:Bu|Bunun|Buna|Bununla|Bundan|Həmin|Belə|O|Onlar|Onun|Onların|Hər (?:iki|üç))\b)"
)
#: A paragraph that opens by pointing back ("During the visit, …", "Səfər zamanı …", "At that
#: time, …") continues the one before it: a page break of the source cut them apart.
_OPENS_BACK = re.compile(
    r"^(?:(?:During|At|After) the (?:visit|meeting|talks)|At that time|(?:Səfər|Görüş) zamanı"
    r"|O dövrdə|Belə)\b"
)
FOLLOWER_WORDS = 12  # a sentence this short after the best one is read as its continuation


@dataclass(frozen=True)
class Pick:
    hit: Hit
    index: int  # sentence index in the paragraph
    score: float
    #: shown as the continuation of the best sentence; the short answer comes from it only when
    #: no other picked sentence has one
    follows: bool = False


def version_of(hit: Hit, lang: str) -> Paragraph:
    """The paragraph version shown in ``lang``, or any version when that one does not exist."""
    return hit.versions.get(lang) or next(iter(hit.versions.values()))


def score_sentences(question: str, hits: Sequence[Hit], lang: str, kind: AnswerType | None):
    """(score, pick) for every sentence of the top paragraphs, best first."""
    query_terms = set(tokens(question, lang))
    scored: list[Pick] = []
    for hit in hits[:CANDIDATE_PARAGRAPHS]:
        version = version_of(hit, lang)
        by_index: dict[int, dict[str, float]] = {}
        for s in hit.sentences:
            by_index.setdefault(s.index, {})[s.lang] = s.score
        for s in version.sentences:
            scores = by_index.get(s.index, {})
            if not scores:
                continue
            same = scores.get(version.lang, max(scores.values()))
            other = max(scores.values())
            overlap = _overlap(query_terms, s.text, version.lang)
            prior = 0.01 if hit.rank == 1 else 0.0
            typed = kind is not None and has_type(kind, s.text, version.lang)
            score = 0.6 * same + 0.4 * other + 0.05 * overlap + prior + TYPE_BONUS * typed
            scored.append(Pick(hit, s.index, score))
    scored.sort(key=lambda p: -p.score)
    return scored


def select(
    question: str,
    hits: Sequence[Hit],
    lang: str,
    kind: AnswerType | None,
    corpus: Corpus | None = None,
) -> list[Pick]:
    """The best sentence, possibly swapped for a typed neighbour, and close runners-up.
    ``corpus`` gives the paragraph order, so a neighbour may open the next paragraph."""
    scored = score_sentences(question, hits, lang, kind)
    if not scored:
        return []
    best = _typed_best(scored, lang, kind)
    picked = [best]
    typed = _typed_neighbour(scored, best, lang, kind, corpus)
    if typed is not None:
        picked.append(typed)
    for pick in scored:
        if any(pick is p for p in picked) or len(picked) >= MAX_SENTENCES:
            continue
        neighbour = pick.hit is best.hit and abs(pick.index - best.index) == 1
        margin = NEIGHBOUR_WITHIN if neighbour else KEEP_WITHIN
        if pick.score >= best.score - margin:
            picked.append(pick)
    if typed is None and len(picked) > 1 and not any(_holds(p, lang, kind) for p in picked):
        # the fact may sit next to another sentence of the best paragraph shown with it: it
        # takes the place of the last one when the answer is full
        same = [p for p in picked[1:] if p.hit is best.hit]
        late = (_typed_neighbour(scored, p, lang, kind, corpus, best) for p in same)
        found = next((t for t in late if t is not None and t not in picked), None)
        if found is not None:
            picked = [*picked[: MAX_SENTENCES - 1], found]
    picked = _with_antecedent(picked, scored, lang)
    return _with_follower(_with_previous(picked, lang, corpus), scored, lang)


def _with_antecedent(picked: list[Pick], scored: list[Pick], lang: str) -> list[Pick]:
    """A best sentence that points back ("The great powers are more interested in the region
    just because of this.", "Bu fakt …") is read with the sentence before it, which says what
    "this" is; it takes the place of the last runner-up when the answer is full."""
    best = picked[0]
    version = version_of(best.hit, lang)
    if best.index == 0 or not _ANAPHORIC.search(version.sentences[best.index].text):
        return picked
    before = next((p for p in scored if p.hit is best.hit and p.index == best.index - 1), None)
    if before is None or any(p is before for p in picked):
        return picked
    return [best, before, *picked[1 : MAX_SENTENCES - 1]]


def _with_previous(picked: list[Pick], lang: str, corpus: Corpus | None) -> list[Pick]:
    """A best sentence that opens its paragraph by pointing back ("During the visit, the two
    sides signed … 22 treaties") is read with the last sentence of the paragraph before it
    ("…his first official visit to Georgia."), which says which visit; that paragraph is cited
    too. It takes the place of the last runner-up when the answer is full."""
    best = picked[0]
    version = version_of(best.hit, lang)
    if corpus is None or best.index != 0 or not _OPENS_BACK.search(version.sentences[0].text):
        return picked
    before = _adjacent(corpus, version, -1)
    if before is None:
        return picked
    last = len(before.sentences) - 1
    if any(p.hit.pid == before.pid and p.index == last for p in picked):
        return picked
    versions = corpus.versions(before.doc_id, before.pid)
    hit = Hit(before.doc_id, before.pid, 0, 0.0, None, None, lang, versions)
    return [best, Pick(hit, last, best.score), *picked[1 : MAX_SENTENCES - 1]]


def _with_follower(picked: list[Pick], scored: list[Pick], lang: str) -> list[Pick]:
    """The sentence after the best one joins when it leans back on it or is short ("Sentyabr
    ayında ölkəmiz MDB-yə daxil oldu."), whatever its own score: a question worded from the
    best sentence often asks what the next one says. It takes the place of the last runner-up
    when the answer is full. (On the fit split: answer accuracy +0.009 en, +0.005 az.)"""
    best = picked[0]
    if any(p.hit is best.hit and p.index == best.index + 1 for p in picked):
        return picked
    after = next((p for p in scored if p.hit is best.hit and p.index == best.index + 1), None)
    if after is None:
        return picked
    text = version_of(after.hit, lang).sentences[after.index].text
    if not (_LEANS_BACK.search(text) or len(text.split()) <= FOLLOWER_WORDS):
        return picked
    return [*picked[: MAX_SENTENCES - 1], replace(after, follows=True)]


def _typed_best(scored: list[Pick], lang: str, kind: AnswerType | None) -> Pick:
    best = scored[0]
    if kind is None or _holds(best, lang, kind):
        return best
    for pick in scored[1:]:
        if best.score - pick.score > SWAP_WITHIN:
            break
        if _holds(pick, lang, kind):
            return pick
    return best


def _typed_neighbour(
    scored: list[Pick],
    best: Pick,
    lang: str,
    kind: AnswerType | None,
    corpus: Corpus | None,
    top: Pick | None = None,
) -> Pick | None:
    """When the best sentence lacks the asked kind of fact and the sentence next to it has it
    ("…a document reflecting every aspect of the relations." / "It was signed on January 1,
    2001."), the neighbour joins it, within a wider margin than other runners-up (counted
    from ``top``, the best sentence of all, when ``best`` is a runner-up). A page
    break may cut a paragraph, so the first sentence of the next one is a neighbour too
    ("…his first official visit to Georgia." / "During the visit, … signed 22 treaties")."""
    if kind is None or _holds(best, lang, kind):
        return None
    top = top or best  # the margin counts from the best sentence of all
    for pick in scored:
        if top.score - pick.score > TYPED_NEIGHBOUR_WITHIN:
            break
        near = pick.hit is best.hit and abs(pick.index - best.index) == 1
        if (near or _continues(corpus, best, pick, lang)) and _holds(pick, lang, kind):
            return pick
    return None


def _continues(corpus: Corpus | None, best: Pick, pick: Pick, lang: str) -> bool:
    """``pick`` opens the paragraph after the one ``best`` ends, in the same section."""
    if corpus is None or pick.index != 0 or pick.hit.doc_id != best.hit.doc_id:
        return False
    ending = version_of(best.hit, lang)
    if best.index != len(ending.sentences) - 1:
        return False
    following = _adjacent(corpus, ending, 1)
    return following is not None and following.pid == pick.hit.pid


def _adjacent(corpus: Corpus, paragraph: Paragraph, step: int) -> Paragraph | None:
    """The paragraph ``step`` places away in the document's reading order, when it belongs to
    the same section (a page break may have cut one paragraph in two there)."""
    order = corpus.document(paragraph.doc_id).in_language(paragraph.lang)
    at = next((i for i, p in enumerate(order) if p.pid == paragraph.pid), None)
    if at is None or not 0 <= at + step < len(order):
        return None
    other = order[at + step]
    return other if other.section == paragraph.section else None


def _holds(pick: Pick, lang: str, kind: AnswerType) -> bool:
    version = version_of(pick.hit, lang)
    return has_type(kind, version.sentences[pick.index].text, version.lang)


def list_items(corpus: Corpus, pick: Pick, lang: str) -> list[Hit]:
    """When the picked sentence ends its paragraph with a colon, the list items that follow it in
    the same section (as hits of their own, so each is cited)."""
    version = version_of(pick.hit, lang)
    sentence = version.sentences[pick.index]
    if pick.index != len(version.sentences) - 1 or not sentence.text.rstrip().endswith(":"):
        return []
    order = corpus.document(version.doc_id).in_language(version.lang)
    position = next(i for i, p in enumerate(order) if p.pid == version.pid)
    items = []
    for following in order[position + 1 : position + 1 + MAX_LIST_ITEMS]:
        if following.section != version.section or not _LIST_ITEM.match(following.text):
            break
        versions = corpus.versions(following.doc_id, following.pid)
        items.append(Hit(following.doc_id, following.pid, 0, 0.0, None, None, lang, versions))
    return items


def _overlap(query_terms: set[str], sentence: str, lang: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(tokens(sentence, lang))) / len(query_terms)
