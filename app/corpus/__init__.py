"""The corpus stage: curated paragraph files in, typed records out."""

from app.corpus.load import check_corpus, load_corpus
from app.corpus.model import LANGUAGES, Corpus, Document, Paragraph, Sentence

__all__ = [
    "LANGUAGES",
    "Corpus",
    "Document",
    "Paragraph",
    "Sentence",
    "check_corpus",
    "load_corpus",
]
