"""The conversation as Markdown (``app.ui.export``): every question and answer with its [n]
markers, each numbered source with title, page, paragraph id, the cited sentence (and its
original for a translation) and the link that opens it, labels in the interface language."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.answering import Answer, Citation
from app.ui.export import conversation_markdown, export_name, plain, write_export
from app.ui.format import share_link

DOC = "heydar-aliyev-regional-relations"
BASE = "http://127.0.0.1:7860/"
WHEN = datetime(2025, 6, 1, 12, 30, tzinfo=UTC)
EN_QUOTE = "The Contract of the Century was approved on 20 September 1994."
AZ_QUOTE = "Əsrin müqaviləsi 20 sentyabr 1994-cü ildə təsdiqləndi."


def citation(lang: str, n: int = 1, pid: str = "p35", page: int = 7) -> Citation:
    translated = lang == "az"
    text = f"Before. {AZ_QUOTE if translated else EN_QUOTE} After."
    return Citation(
        n=n,
        doc_id=DOC,
        title="Heydər Əliyev dövründə" if translated else "Relations With Regional States",
        page=page,
        paragraph=pid,
        lang=lang,
        text=text,
        quote=AZ_QUOTE if translated else EN_QUOTE,
        translated=translated,
        original_lang="en",
        original_text=f"Before. {EN_QUOTE} After.",
        original_quote=EN_QUOTE,
    )


def answer(lang: str, **changes: object) -> Answer:
    quote = AZ_QUOTE if lang == "az" else EN_QUOTE
    question = "Əsrin müqaviləsi nə vaxt təsdiqləndi?" if lang == "az" else "When was it approved?"
    base = Answer(
        question=question,
        resolved_question=question,
        language=lang,
        answered=True,
        text=f"20 September 1994 [1]. {quote} [1] Also [2].",
        citations=(citation(lang), citation(lang, 2, "p12", 3)),
        see_also=(),
        short_answer="20 September 1994",
        confidence=0.87,
    )
    return replace(base, **changes)


@pytest.fixture()
def turns() -> list[tuple[int, Answer]]:
    return [(2, answer("az")), (1, answer("en"))]  # out of order on purpose


def test_every_question_answer_and_citation_is_there(turns) -> None:
    md = conversation_markdown(turns, "en", base_url=BASE, exported=WHEN)
    assert md.startswith("# Mənbə: conversation\n\nExported on 2025-06-01 12:30 UTC from " + BASE)
    first, second = md.index("## 1. When was it approved?"), md.index("## 2. Əsrin müqaviləsi")
    assert first < second  # oldest first
    assert f"20 September 1994 [1]. {EN_QUOTE} [1] Also [2]." in md  # markers kept as [n]
    assert "*answer in English · confidence 0.87*" in md
    assert "**[1] Relations With Regional States** · p. 7 · ¶ p35 · EN" in md
    assert "**[2] Relations With Regional States** · p. 3 · ¶ p12 · EN" in md
    assert f"> {EN_QUOTE}" in md
    # the Azerbaijani answer's source: a translation, with its English original quoted
    assert "**[1] Heydər Əliyev dövründə** · p. 7 · ¶ p35 · AZ (translated from English)" in md
    assert f"> {AZ_QUOTE}" in md and f"> *Original (English):* {EN_QUOTE}" in md
    # the share links are the app's own, made absolute
    link = BASE + share_link(DOC, "p35")
    assert f"Link to this paragraph: <{link}>" in md
    assert link == f"http://127.0.0.1:7860/?p={DOC}/p35"
    assert md.count("Link to this paragraph: <") == 4
    assert md.count("\n---\n") == 1 and md.endswith("\n")
    with_see_also = replace(answer("en"), see_also=(citation("en", 0, "p40", 8),))
    assert "See also" not in conversation_markdown([(1, with_see_also)], "en")  # as in the chat


def test_labels_follow_the_interface_language(turns) -> None:
    md = conversation_markdown(turns, "az", base_url=BASE, exported=WHEN)
    assert md.startswith("# Mənbə: söhbət\n\n2025-06-01 12:30 UTC tarixində")
    assert "### Mənbələr" in md and "### Sources" not in md
    assert "*cavab dili: Azərbaycan dili · etibarlılıq 0.87*" in md
    assert "· s. 7 · ¶ p35 · AZ (tərcümə, orijinal: ingilis dili)" in md
    assert f"> *Orijinal (ingilis dili):* {EN_QUOTE}" in md
    assert f"Bu paraqrafa keçid: <{BASE}?p={DOC}/p35>" in md
    assert "Link to this paragraph" not in md and "translated from" not in md


def test_without_the_apps_address_the_links_stay_relative(turns) -> None:
    md = conversation_markdown(turns, "en", exported=WHEN)
    assert f"Link to this paragraph: <?p={DOC}/p35>" in md
    assert "from Mənbə." in md


def test_an_abstention_gives_its_reason_and_what_to_see() -> None:
    abstained = answer(
        "en",
        answered=False,
        text="Not in the corpus.",
        abstain_reason="no paragraph names the winner",
        citations=(),
        see_also=(replace(citation("en", 0, "p40", 8), quote="", original_quote=""),),
        resolved_question="When was the contract with Georgia approved?",
    )
    md = conversation_markdown([(1, abstained)], "en", base_url=BASE, exported=WHEN)
    assert "no paragraph names the winner" in md
    assert "### See also" in md and "**[→] Relations With Regional States** · p. 8 · ¶ p40" in md
    assert "### Sources" not in md
    assert "> Before. The Contract of the Century was approved" in md  # its opening, as preview
    assert "read as “When was the contract with Georgia approved?”" in md


def test_markup_in_questions_and_corpus_text_stays_text() -> None:
    hostile = answer(
        "en",
        question="# Title\n> quote <script>alert(1)</script> [x](javascript:alert(2))",
        citations=(replace(citation("en"), title="<img src=x onerror=alert(1)>"),),
    )
    md = conversation_markdown([(1, hostile)], "en", exported=WHEN)
    assert "<script>" not in md and "<img" not in md
    assert "## 1. \\# Title > quote &lt;script>" in md  # one line: no heading, no quote block
    assert "](javascript:" not in md
    assert plain("1. one\n- two") == "1\\. one - two"


def test_an_empty_conversation_says_so() -> None:
    assert "No question was asked." in conversation_markdown([], "en", exported=WHEN)
    assert "Heç bir sual verilməyib." in conversation_markdown([], "az", exported=WHEN)


def test_the_file_is_written_and_old_ones_removed(tmp_path: Path) -> None:
    old = write_export("old", "a.md", root=tmp_path)
    stale = time.time() - 7200
    os.utime(old.parent, (stale, stale))
    name = export_name(WHEN)
    assert name == "menbe-conversation-20250601-1230.md"
    path = write_export("# Mənbə\n", name, root=tmp_path)
    assert path.name == name and path.read_text("utf-8") == "# Mənbə\n"
    assert not old.exists() and path.exists()
