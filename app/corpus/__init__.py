"""The corpus stage: curated paragraph files in, typed records out."""

from app.corpus.load import check_corpus, load_corpus, load_valid_corpus
from app.corpus.model import LANGUAGES, Corpus, Document, Paragraph, Sentence, SkippedDocument

__all__ = [
    "LANGUAGES",
    "Corpus",
    "Document",
    "Paragraph",
    "Sentence",
    "SkippedDocument",
    "check_corpus",
    "load_corpus",
    "load_valid_corpus",
]
