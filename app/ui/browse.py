"""Pure functions for the corpus browser tab: documents → pages → paragraphs, both languages side
by side, so a reader can check any citation in context, share a link to one paragraph, find
paragraphs with the chat's own search, and turn one into a question for the chat."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.corpus import LANGUAGES, Corpus, Paragraph
from app.ui.format import badges, clip, escape, parse_paragraph_ref, share_link
from app.ui.static import ui_text

if TYPE_CHECKING:  # only for the annotation: importing retrieval loads numpy and the index
    from app.retrieval import Hit

#: How much of a paragraph's opening an "ask about this paragraph" question quotes.
TOPIC_WORDS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)]|[•*–—-])\s+")  # "3. ", "• " opening a list item


def documents(corpus: Corpus, ui: str) -> list[tuple[str, str]]:
    """(title in the interface language, doc_id) for a dropdown."""
    return [(d.title_in(ui), d.doc_id) for d in corpus.documents]


def _pids(corpus: Corpus, doc_id: str) -> list[str]:
    """Paragraph ids in file order, each once, whichever language has it first."""
    seen: dict[str, None] = {}
    for p in corpus.document(doc_id).paragraphs:
        seen.setdefault(p.pid, None)
    return list(seen)


def paragraph_page(corpus: Corpus, doc_id: str, pid: str, lang: str | None = None) -> int | None:
    """The page a paragraph sits on in ``lang`` (translations may be paged differently), or
    in the original when it has no ``lang`` version, so a link lists the page a reader of
    that language would look up."""
    versions = corpus.versions(doc_id, pid)
    if not versions:
        return None
    if lang in versions:
        return versions[lang].page
    return corpus.original_of(next(iter(versions.values()))).page


def pages(corpus: Corpus, doc_id: str, lang: str | None = None) -> list[int]:
    found = {paragraph_page(corpus, doc_id, pid, lang) for pid in _pids(corpus, doc_id)}
    return sorted(p for p in found if p is not None)


def exists(corpus: Corpus, doc_id: str, pid: str) -> bool:
    return any(d.doc_id == doc_id for d in corpus.documents) and bool(corpus.versions(doc_id, pid))


def sentences_html(p: Paragraph) -> str:
    """``p``'s text as HTML, each sentence in a ``<span data-s="i">`` (its index in
    ``p.sentences``): the versions of a paragraph are aligned sentence by sentence, so
    ``app/data/tools.js`` lights up sentence *i* of every column when one is hovered or tapped.
    The text between sentences (spaces) stays outside the spans; all of it is escaped."""
    out, pos = [], 0
    for s in p.sentences:
        if s.start < pos or s.end > len(p.text):  # not a clean split: no spans at all
            return escape(p.text)
        out.append(escape(p.text[pos : s.start]))
        out.append(
            f'<span class="menbe-s" data-s="{s.index}">{escape(p.text[s.start : s.end])}</span>'
        )
        pos = s.end
    out.append(escape(p.text[pos:]))
    return "".join(out)


def aligned(versions: Mapping[str, Paragraph]) -> bool:
    """Whether sentence *i* of each version is sentence *i* of the others: two versions with as
    many sentences (the corpus checks it; a lone version has nothing to align with)."""
    counts = {len(p.sentences) for p in versions.values()}
    return len(versions) > 1 and len(counts) == 1


def _column(p: Paragraph, ui: str, *, align: bool = False) -> str:
    section = f'<span class="menbe-section">{escape(p.section)}</span>' if p.section else ""
    tags = badges(p.lang, p.translated, p.source_lang or "", ui, stale=p.stale)
    text = sentences_html(p) if align else escape(p.text)
    return (
        f'<div class="menbe-col" lang="{escape(p.lang)}"><div class="menbe-col-head">'
        f"{tags}{section}</div>"
        f'<p class="menbe-para">{text}</p></div>'
    )


def shown_version(corpus: Corpus, doc_id: str, pid: str, ui: str) -> Paragraph | None:
    """The version a reader of ``ui`` reads: theirs when it exists, else the original."""
    versions = corpus.versions(doc_id, pid)
    if not versions:
        return None
    return versions.get(ui) or corpus.original_of(next(iter(versions.values())))


def topic(p: Paragraph, words: int = TOPIC_WORDS) -> str:
    """What a paragraph is about, in its own words: its first sentence (the paragraph's opening
    when that sentence is only a heading or a number), cut to ``words`` words. Retrieval finds
    the paragraph again from these words, so the question it goes into is answered from it."""
    text = _LIST_MARK.sub("", " ".join(p.text.split()))
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    chosen = (first if len(first.split()) >= 5 else text).split()
    cut = " ".join(chosen[:words]).rstrip(" ,;:-–—")
    return cut + "…" if len(chosen) > words else cut.rstrip(".")


def ask_prompt(corpus: Corpus, doc_id: str, pid: str, ui: str) -> str:
    """The question "ask about this paragraph" puts into the chat, in the interface language,
    about the paragraph's version in that language; the reader edits it before asking."""
    p = shown_version(corpus, doc_id, pid, ui)
    return ui_text("ask_prompt", ui, topic=topic(p)) if p is not None else ""


def ask_button(corpus: Corpus, doc_id: str, pid: str, ui: str) -> str:
    """The button that takes the reader to the chat with ``ask_prompt`` in the question box
    (``app/data/tools.js``); nothing is asked until they press Ask."""
    prompt = ask_prompt(corpus, doc_id, pid, ui)
    return (
        f'<button type="button" class="menbe-ask" data-prompt="{escape(prompt)}" '
        f'title="{escape(prompt)}">💬 {escape(ui_text("ask_about", ui))}</button>'
    )


def paragraph_html(corpus: Corpus, doc_id: str, pid: str, ui: str, *, focus: bool = False) -> str:
    """One paragraph: its id, page, share link and "ask about this", then every language version
    side by side (one full-width column when it has only one), their sentences aligned."""
    versions = corpus.versions(doc_id, pid)
    page = paragraph_page(corpus, doc_id, pid, ui)
    link = share_link(doc_id, pid)
    align = aligned(versions)
    columns = "".join(
        _column(versions[lang], ui, align=align) for lang in LANGUAGES if lang in versions
    )
    single = " menbe-one" if len(versions) < 2 else ""
    return (
        f'<article class="menbe-row{" menbe-focus" if focus else ""}" '
        f'id="para-{escape(doc_id)}-{escape(pid)}"><header>'
        f'<span class="menbe-pid">{escape(ui_text("paragraph", ui))} {escape(pid)}</span>'
        f'<span class="menbe-loc">{escape(ui_text("page", ui))} {page}</span>'
        f"{ask_button(corpus, doc_id, pid, ui)}"
        f'<a class="menbe-share-link" href="{escape(link)}" target="_blank" rel="noopener" '
        f'title="{escape(ui_text("share", ui))}">🔗 {escape(link)}</a></header>'
        f'<div class="menbe-cols{single}">{columns}</div></article>'
    )


def page_html(
    corpus: Corpus, doc_id: str, page: int | None, ui: str, focus: str | None = None
) -> str:
    """Every paragraph of one page of one document; ``focus`` (a pid) is marked and shown first."""
    try:
        doc = corpus.document(doc_id)
    except KeyError:
        return ""
    example = f"{doc.doc_id}/p05"
    intro = escape(ui_text("browse_intro", ui, example=example))
    intro += f' <span class="menbe-align-hint">{escape(ui_text("align_hint", ui))}</span>'
    parts = [
        f'<div class="menbe-browser"><h3 class="menbe-doc-title">{escape(doc.title_in(ui))}</h3>'
        f'<p class="menbe-intro">{intro}</p>'
    ]
    if focus is not None:
        parts.append(focus_html(corpus, doc_id, focus, ui))
    if page is not None:
        parts.append(f'<h4 class="menbe-sub">{escape(ui_text("page_long", ui))} {page}</h4>')
        for pid in _pids(corpus, doc_id):
            if paragraph_page(corpus, doc_id, pid, ui) == page and pid != focus:
                parts.append(paragraph_html(corpus, doc_id, pid, ui))
    parts.append("</div>")
    return "".join(parts)


def _example(corpus: Corpus) -> str:
    return f"{corpus.documents[0].doc_id}/p05" if corpus.documents else "doc/p01"


def ref_problem(corpus: Corpus, ref: str | None, ui: str) -> str | None:
    """Why a typed id or shared link opens nothing, in words that fit the case: not a link
    at all, an unknown document, or a well-formed id with no such paragraph. None: it opens."""
    parsed, example = parse_paragraph_ref(ref), _example(corpus)
    if parsed is None:
        return ui_text("bad_ref", ui, ref=(ref or "").strip()[:80], example=example)
    doc_id, pid = parsed
    if not any(d.doc_id == doc_id for d in corpus.documents):
        return ui_text("no_such_doc", ui, doc=doc_id, example=example)
    if not corpus.versions(doc_id, pid):
        return ui_text("no_such_pid", ui, pid=f"{doc_id}/{pid}", example=example)
    return None


def notice_html(text: str) -> str:
    return f'<p class="menbe-notice" role="alert">{escape(text)}</p>'


def focus_html(corpus: Corpus, doc_id: str, pid: str, ui: str) -> str:
    """The paragraph a share link opened, or a friendly note when there is no such paragraph."""
    problem = ref_problem(corpus, f"{doc_id}/{pid}", ui)
    if problem is not None:
        return notice_html(problem)
    return f'<h4 class="menbe-sub">{escape(ui_text("opened", ui))}</h4>' + paragraph_html(
        corpus, doc_id, pid, ui, focus=True
    )


# -- search ------------------------------------------------------------------------------------


def snippet(hit: Hit, p: Paragraph, limit: int = 220) -> str:
    """The sentence of ``p`` that matched the query best, or the paragraph's opening."""
    for s in hit.sentences:
        if s.lang == p.lang:
            return clip(p.text[s.start : s.end], limit)
    return clip(p.text, limit)


def hit_html(corpus: Corpus, hit: Hit, ui: str, *, show_title: bool = True) -> str:
    """One result: title (``show_title``: unless the hit above is from the same document),
    section, page and paragraph id, and the matching sentence; a link to the paragraph that
    the script opens in the browser below (without it, the share link)."""
    p = shown_version(corpus, hit.doc_id, hit.pid, ui)
    if p is None:
        return ""
    ref = f"{hit.doc_id}/{hit.pid}"
    page = paragraph_page(corpus, hit.doc_id, hit.pid, ui)
    where = f"{ui_text('page', ui)} {page} · {ui_text('paragraph', ui)} {hit.pid}"
    if p.section:
        where = f"{p.section} · {where}"
    title = corpus.document(hit.doc_id).title_in(ui)
    named = f'<span class="menbe-title">{escape(title)}</span>' if show_title else ""
    return (
        f'<li><a class="menbe-hit" href="{escape(share_link(hit.doc_id, hit.pid))}" '
        f'data-ref="{escape(ref)}"><span class="menbe-hit-head">'
        f'{named}<span class="menbe-loc">{escape(where)}</span></span>'
        f'<span class="menbe-hit-text" lang="{escape(p.lang)}">{escape(snippet(hit, p))}</span>'
        "</a></li>"
    )


def results_html(corpus: Corpus, hits: Sequence[Hit], query: str, ui: str) -> str:
    """The search's results, best first, under a line saying how many there are and for
    what; an empty query shows nothing at all."""
    query = " ".join(query.split())
    if not query:
        return ""
    items, previous = [], None
    for hit in hits:  # one title per run of hits from the same document, as on source cards
        item = hit_html(corpus, hit, ui, show_title=hit.doc_id != previous)
        if item:
            items.append(item)
            previous = hit.doc_id
    shown = clip(query, 80)
    if not items:
        note = escape(ui_text("search_none", ui, query=shown))
        return f'<div class="menbe-hits"><p class="menbe-hits-head">{note}</p></div>'
    head = escape(ui_text("search_results", ui, count=len(items), query=shown))
    return (
        f'<div class="menbe-hits"><p class="menbe-hits-head">{head}</p>'
        f'<ol class="menbe-hit-list">{"".join(items)}</ol></div>'
    )
