"""Pure functions for the corpus browser tab: documents → pages → paragraphs, both languages side
by side, so a reader can check any citation in context and share a link to one paragraph."""

from __future__ import annotations

from app.corpus import LANGUAGES, Corpus, Paragraph
from app.ui.format import badges, escape, parse_paragraph_ref, share_link
from app.ui.static import ui_text


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


def _column(p: Paragraph, ui: str) -> str:
    section = f'<span class="menbe-section">{escape(p.section)}</span>' if p.section else ""
    return (
        f'<div class="menbe-col" lang="{escape(p.lang)}"><div class="menbe-col-head">'
        f"{badges(p.lang, p.translated, p.source_lang or '', ui)}{section}</div>"
        f'<p class="menbe-para">{escape(p.text)}</p></div>'
    )


def paragraph_html(corpus: Corpus, doc_id: str, pid: str, ui: str, *, focus: bool = False) -> str:
    """One paragraph: its id, page and share link, then every language version side by side."""
    versions = corpus.versions(doc_id, pid)
    page = paragraph_page(corpus, doc_id, pid, ui)
    link = share_link(doc_id, pid)
    columns = "".join(_column(versions[lang], ui) for lang in LANGUAGES if lang in versions)
    return (
        f'<article class="menbe-row{" menbe-focus" if focus else ""}" '
        f'id="para-{escape(doc_id)}-{escape(pid)}"><header>'
        f'<span class="menbe-pid">{escape(ui_text("paragraph", ui))} {escape(pid)}</span>'
        f'<span class="menbe-loc">{escape(ui_text("page", ui))} {page}</span>'
        f'<a class="menbe-share-link" href="{escape(link)}" target="_blank" rel="noopener" '
        f'title="{escape(ui_text("share", ui))}">🔗 {escape(link)}</a></header>'
        f'<div class="menbe-cols">{columns}</div></article>'
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
