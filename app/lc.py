"""LangChain interfaces over Mənbə: a `BaseRetriever` a LangChain user can drop into a chain.

Documents carry the paragraph in the question's language plus its citation metadata, so a chain
built on it can still cite document, page and paragraph id.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


def hit_document(hit: Any, lang: str, corpus: Any) -> Document:
    """One retrieval hit as a LangChain `Document` in ``lang`` (falling back to what matched)."""
    shown = hit.versions.get(lang) or hit.versions[hit.matched_lang]
    original = corpus.original_of(shown)
    return Document(
        page_content=shown.text,
        id=f"{hit.doc_id}/{hit.pid}/{shown.lang}",
        metadata={
            "doc_id": hit.doc_id,
            "paragraph": hit.pid,
            "page": shown.page,
            "section": shown.section,
            "lang": shown.lang,
            "title": corpus.document(hit.doc_id).title_in(shown.lang),
            "score": hit.score,
            "rank": hit.rank,
            "translated": shown.translated,
            "original_lang": original.lang,
            "original_text": original.text,
        },
    )


class MenbeRetriever(BaseRetriever):
    """Hybrid, paragraph-level, bilingual retrieval as a LangChain retriever."""

    retriever: Any  # app.retrieval.Retriever
    k: int = 5
    variant: str = "hybrid"
    lang: str | None = None  # None: the question's detected language

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, k=self.k, variant=self.variant, lang=self.lang)
        lang = self.lang or result.detection.lang
        return [hit_document(h, lang, self.retriever.corpus) for h in result.hits]
