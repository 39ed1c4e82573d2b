"""Hover-aligned sentences in the corpus browser, without a browser: each sentence of a
paragraph's two versions in a span carrying its index, the same indices in both columns, the
text intact and escaped, and no spans where there is nothing to align with. (The hover and the
tap themselves: tests/test_ui_tools_browser.py.)"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from app.corpus import Corpus, Document, Paragraph, Sentence
from app.ui import browse
from app.ui.static import ui_text

DOC = "heydar-aliyev-regional-relations"
SPAN = re.compile(r'<span class="menbe-s" data-s="(\d+)">(.*?)</span>')


def columns(article: str) -> dict[str, str]:
    """Each column's paragraph HTML by language."""
    found = re.findall(
        r'<div class="menbe-col" lang="(\w+)">.*?<p class="menbe-para">(.*?)</p></div>', article
    )
    return dict(found)


def paragraph(lang: str, text: str, parts: list[str], **changes: object) -> Paragraph:
    sentences, pos = [], 0
    for i, part in enumerate(parts):
        start = text.index(part, pos)
        sentences.append(Sentence(i, start, start + len(part), part))
        pos = start + len(part)
    base = Paragraph(DOC, "p01", lang, 1, "", "original", None, text, tuple(sentences))
    return replace(base, **changes)


def one_paragraph(*versions: Paragraph) -> Corpus:
    doc = Document(DOC, {"en": "Title", "az": "Başlıq"}, "", 2024, ("en", "az"), "", "", 9)
    return Corpus.of((replace(doc, paragraphs=versions),))


def test_both_columns_carry_the_same_sentence_indices(corpus) -> None:
    article = browse.paragraph_html(corpus, DOC, "p35", "en")
    cols = columns(article)
    assert set(cols) == {"en", "az"}
    en = [int(i) for i, _ in SPAN.findall(cols["en"])]
    az = [int(i) for i, _ in SPAN.findall(cols["az"])]
    n = len(corpus.get(DOC, "p35", "en").sentences)
    assert n > 1 and en == az == list(range(n))
    # each span holds that sentence of its own version, escaped
    for lang, col in cols.items():
        p = corpus.get(DOC, "p35", lang)
        assert [html.unescape(t) for _, t in SPAN.findall(col)] == [s.text for s in p.sentences]


def test_every_paragraph_of_a_page_is_aligned_in_both_interface_languages(corpus) -> None:
    for ui in ("en", "az"):
        page = browse.page_html(corpus, DOC, 7, ui)
        for article in re.findall(r"<article .*?</article>", page):
            cols = columns(article)
            if len(cols) == 2:
                indices = [SPAN.findall(c) for c in cols.values()]
                assert [i for i, _ in indices[0]] == [i for i, _ in indices[1]] != []


def test_the_text_is_intact_and_escaped() -> None:
    en_text = 'It was <b>signed</b> in "Baku". Then <img src=x onerror=alert(1)> came.  Done.'
    az_text = "Bakıda <b>imzalandı</b>. Sonra <img> gəldi. Bitdi."
    en = paragraph(
        "en",
        en_text,
        ['It was <b>signed</b> in "Baku".', "Then <img src=x onerror=alert(1)> came.", "Done."],
    )
    az = paragraph("az", az_text, ["Bakıda <b>imzalandı</b>.", "Sonra <img> gəldi.", "Bitdi."])
    cols = columns(browse.paragraph_html(one_paragraph(en, az), DOC, "p01", "en"))
    assert "<img" not in cols["en"] and "<b>" not in cols["az"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in cols["en"] and "&quot;Baku&quot;" in cols["en"]
    for lang, p in (("en", en), ("az", az)):
        assert html.unescape(re.sub(r"</?span[^>]*>", "", cols[lang])) == p.text  # spaces too
        assert [i for i, _ in SPAN.findall(cols[lang])] == ["0", "1", "2"]


def test_nothing_to_align_with_means_no_spans() -> None:
    en = paragraph("en", "One. Two.", ["One.", "Two."])
    alone = browse.paragraph_html(one_paragraph(en), DOC, "p01", "en")
    assert "data-s=" not in alone and "One. Two." in alone
    # versions that do not split alike (the corpus reports it) are shown without alignment
    az = paragraph("az", "Bir, iki.", ["Bir, iki."], origin="translation", source_lang="en")
    uneven = browse.paragraph_html(one_paragraph(en, az), DOC, "p01", "en")
    assert "data-s=" not in uneven and "Bir, iki." in uneven
    assert browse.aligned({"en": en, "az": replace(az, sentences=en.sentences)})


def test_the_browser_says_how_to_use_it_in_the_interface_language(corpus) -> None:
    en, az = browse.page_html(corpus, DOC, 7, "en"), browse.page_html(corpus, DOC, 7, "az")
    assert ui_text("align_hint", "en") in en
    assert ui_text("align_hint", "az") in az and ui_text("align_hint", "en") not in az
    assert ui_text("align_hint", "en") != ui_text("align_hint", "az")
