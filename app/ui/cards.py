"""The sources panel: one card per cited paragraph, the latest answer's first. A card says where
the paragraph sits (section, page, paragraph id), marks the cited sentences, keeps the original
of a translation one click away, warns when that translation is stale, and offers a share link
and a ready-made citation to copy. The ``data-*`` attributes of its summary carry what the
chat's ``[n]`` preview shows (``app/data/tools.js``), so a preview always matches its card.

Pure functions like ``format``: text in, HTML out, every piece of corpus text through
``escape``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.answering import Answer, Citation
from app.corpus import Corpus
from app.ui.format import (
    badges,
    clip,
    escape,
    highlight,
    lang_name,
    location,
    share_link,
    source_anchor,
)
from app.ui.static import ui_text

#: The longest cited text a preview shows; longer quotes are cut at a word, with "…".
QUOTE_CHARS = 280


@dataclass(frozen=True)
class CardFacts:
    """What the corpus knows about a cited paragraph beyond the citation itself: its section
    heading (in the cited version's language) and whether that version is a translation made
    from an older text of its original."""

    section: str = ""
    stale: bool = False


def card_facts(corpus: Corpus | None, c: Citation) -> CardFacts:
    """The facts for ``c`` from the corpus; none when there is no corpus or it lost the
    paragraph since the answer was given (the card then simply says less)."""
    p = corpus.get(c.doc_id, c.paragraph, c.lang) if corpus is not None else None
    if p is None:
        return CardFacts()
    return CardFacts(section=p.section, stale=p.translated and p.stale)


def cited_sentence(c: Citation, limit: int = QUOTE_CHARS) -> str:
    """What a preview quotes: the sentences the answer cites from this paragraph or, for a
    see-also card (nothing cited), the paragraph's opening."""
    cited = c.quote or " ".join(c.text[a:b] for a, b in sorted(c.spans))
    return clip(cited or c.text, limit)


def place(c: Citation, ui: str, section: str = "") -> str:
    """ "Research · p. 7 · ¶ p35": the section when known, then page and paragraph id."""
    where = location(c, ui)
    return f"{section} · {where}" if section else where


def citation_reference(c: Citation, ui: str) -> str:
    """How to cite the paragraph elsewhere: "Title, p. 7, ¶ p35 — ?p=<doc>/p35". The link is
    the share link; the browser makes it absolute (this server's address) when copying."""
    link = share_link(c.doc_id, c.paragraph)
    return ui_text("cite_as", ui, title=c.title, page=c.page, pid=c.paragraph, link=link)


def copy_button(c: Citation, ui: str) -> str:
    """The card's "copy citation" button; the script copies ``data-cite`` (its link made
    absolute) and says ``data-done`` for a moment or, where the browser refuses to copy (a
    page not served over https or localhost), shows the text under ``data-manual``."""
    cite = citation_reference(c, ui)
    return (
        f'<button type="button" class="menbe-copy" title="{escape(cite)}" '
        f'data-cite="{escape(cite)}" data-link="{escape(share_link(c.doc_id, c.paragraph))}" '
        f'data-done="{escape(ui_text("copied", ui))}" '
        f'data-manual="{escape(ui_text("copy_manual", ui))}">📋 '
        f'<span class="menbe-copy-label">{escape(ui_text("copy_citation", ui))}</span></button>'
    )


def preview_attrs(c: Citation, ui: str, facts: CardFacts) -> str:
    """The attributes the chat's ``[n]`` preview reads: title, place, the cited text and its
    language (the title is always here, even when the card itself leaves it out)."""
    return (
        f' data-title="{escape(c.title)}" data-where="{escape(place(c, ui, facts.section))}"'
        f' data-quote="{escape(cited_sentence(c))}" data-lang="{escape(c.lang)}"'
    )


def citation_card(
    c: Citation,
    anchor: str,
    label: str | None,
    ui: str,
    *,
    opened: bool,
    facts: CardFacts = CardFacts(),
    show_title: bool = True,
) -> str:
    """One source: number, title (``show_title``: unless the card above names the same
    document), section, page, paragraph id, badges, the paragraph with the cited sentences
    marked, the original one click away for a translation, a share link and "copy citation".
    A see-also card (``label`` None) is folded, with the paragraph's opening as a preview."""
    body = f'<p class="menbe-para" lang="{escape(c.lang)}">{highlight(c.text, c.spans)}</p>'
    if c.translated and c.original_text:
        toggle = escape(ui_text("show_original", ui, lang=lang_name(c.original_lang, ui)))
        original = highlight(c.original_text, c.original_spans)
        body += (
            f'<details class="menbe-orig"><summary>{toggle}</summary>'
            f'<p class="menbe-para" lang="{escape(c.original_lang)}">{original}</p></details>'
        )
    link = share_link(c.doc_id, c.paragraph)
    body += (
        f'<div class="menbe-share"><a href="{escape(link)}" target="_blank" rel="noopener">'
        f"🔗 {escape(ui_text('share', ui))}</a> <code>{escape(link)}</code>"
        f"{copy_button(c, ui)}</div>"
    )
    preview = ""
    if label is None:
        preview = f'<span class="menbe-preview">{escape(clip(c.text, 150))}</span>'
    title = f'<span class="menbe-title">{escape(c.title)}</span>' if show_title else ""
    tags = badges(c.lang, c.translated, c.original_lang, ui, stale=facts.stale)
    return (
        f'<details class="menbe-card{" menbe-see" if label is None else ""}" '
        f'id="{escape(anchor)}"{" open" if opened else ""}>'
        f"<summary{preview_attrs(c, ui, facts)}>"
        f'<span class="menbe-num">{escape(label or "→")}</span>'
        f'<span class="menbe-head">{title}'
        f'<span class="menbe-loc">{escape(place(c, ui, facts.section))} {tags}</span>'
        f"{preview}</span></summary>"
        f'<div class="menbe-body">{body}</div></details>'
    )


def _cards(
    cited: Sequence[tuple[Citation, str, str | None]],
    ui: str,
    corpus: Corpus | None,
    *,
    opened: bool,
) -> list[str]:
    """Cards for (citation, anchor, label) in order, each naming its document only when the
    card above it is from another one: one title per run of cards from the same document."""
    out, previous = [], None
    for c, anchor, label in cited:
        facts = card_facts(corpus, c)
        out.append(
            citation_card(
                c, anchor, label, ui, opened=opened, facts=facts, show_title=c.title != previous
            )
        )
        previous = c.title
    return out


def turn_html(
    answer: Answer, turn: int, ui: str, *, latest: bool, corpus: Corpus | None = None
) -> str:
    """The sources of one answer; older turns fold away under their question."""
    cited = [(c, source_anchor(turn, c.n), str(c.n)) for c in answer.citations]
    cards = _cards(cited, ui, corpus, opened=latest)
    if answer.see_also:
        cards.append(f'<h4 class="menbe-sub">{escape(ui_text("see_also", ui))}</h4>')
        see = [
            (c, source_anchor(turn, f"s{i}"), None) for i, c in enumerate(answer.see_also, start=1)
        ]
        cards += _cards(see, ui, corpus, opened=False)
    ms = round(answer.timings_ms.get("retrieve", 0.0))
    meta = f'<span class="menbe-meta">{escape(ui_text("retrieval", ui, ms=ms))}</span>'
    shown = answer.question if len(answer.question) <= 240 else answer.question[:239] + "…"
    question = f'<span class="menbe-q" title="{escape(shown)}">{escape(shown)}</span>'
    if latest:
        return (
            f'<section class="menbe-turn" data-turn="{turn}"><div class="menbe-turn-head">'
            f"{question}{meta}</div>{''.join(cards)}</section>"
        )
    return (
        f'<details class="menbe-turn menbe-older" data-turn="{turn}"><summary>'
        f'<span class="menbe-earlier">{escape(ui_text("earlier", ui))}:</span> {question}{meta}'
        f"</summary>{''.join(cards)}</details>"
    )


def sources_html(turns: Sequence[tuple[int, Answer]], ui: str, corpus: Corpus | None = None) -> str:
    """The whole panel: the latest answer's sources first, earlier ones folded below.
    ``corpus`` adds what citations do not carry: sections and stale-translation badges."""
    head = f'<h3 class="menbe-panel-title">{escape(ui_text("sources", ui))}</h3>'
    if not turns:
        empty = escape(ui_text("sources_empty", ui))
        return f'{panel_open(ui)}{head}<p class="menbe-empty">{empty}</p></div>'
    ordered = sorted(turns, key=lambda t: -t[0])
    body = "".join(
        turn_html(answer, turn, ui, latest=i == 0, corpus=corpus)
        for i, (turn, answer) in enumerate(ordered)
    )
    return f"{panel_open(ui)}{head}{body}</div>"


def panel_open(ui: str) -> str:
    """The panel's opening tag. It carries "Searching the corpus…" in the interface language
    for the script that writes it into Gradio's pending bubble while an answer is on its way:
    the panel is the one piece of our HTML that is always redrawn in the interface language."""
    return f'<div class="menbe-sources" data-thinking="{escape(ui_text("thinking", ui))}">'
