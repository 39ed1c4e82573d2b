"""Exceptions raised by Mənbə's core; only the CLI and the UI turn them into user messages.

    MenbeError                  base: anything the user can act on
    ├── CorpusError             a corpus file is malformed (carries file:line problems)
    ├── ImportError_            a raw dump cannot be imported
    ├── ModelError              an embedding model cannot be prepared or loaded
    ├── IndexError_             the index is missing, incompatible or cannot be built
    │   ├── IndexMismatchError  the index was built with another model or chunker: re-index
    │   ├── IndexCorruptError   a part of the index (sqlite, manifest, lexical, table) is unreadable
    │   ├── IndexBusyError      another `menbe index` holds the writer lock
    │   ├── DiskFullError       the disk filled up during a build (the previous index still works)
    │   └── StoreUnavailableError  the Chroma server cannot be reached
    ├── QuestionError           a question is empty, too long or otherwise unusable
    └── EvalError               an eval dataset is malformed

Names that would shadow builtins carry a trailing underscore.
"""

from __future__ import annotations

from dataclasses import dataclass


class MenbeError(Exception):
    """Base class: a problem the user can understand and act on."""


@dataclass(frozen=True)
class Problem:
    """One located problem, printed as ``file:line: message``.

    A warning (``file:line: warning: message``) is worth a curator's attention but loads fine,
    such as a paragraph that has no translation yet; only errors stop a corpus from loading.
    """

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity != "warning"

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {label}{self.message}"


class CorpusError(MenbeError):
    """The corpus cannot be loaded; ``problems`` lists every located error."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ImportError_(MenbeError):
    """A raw text dump cannot be turned into paragraphs."""


class ModelError(MenbeError):
    """The embedding model cannot be prepared or loaded."""


class IndexError_(MenbeError):
    """The index is missing or cannot be built."""


class IndexMismatchError(IndexError_):
    """The index was built with a different model or chunker and must be rebuilt."""


class IndexCorruptError(IndexError_):
    """A part of the index cannot be read; ``part`` names it (``--rebuild`` moves it aside)."""

    def __init__(self, part: str, detail: str):
        self.part, self.detail = part, detail
        super().__init__(f"the index is broken: {detail}; run `menbe index --rebuild` to recover")


class IndexBusyError(IndexError_):
    """Another process holds the index's writer lock: two builds never write at once."""


class DiskFullError(IndexError_):
    """A build ran out of disk space; its partial files were removed."""


class StoreUnavailableError(IndexError_):
    """The configured Chroma server does not answer."""


class QuestionError(MenbeError):
    """A question cannot be answered as asked (empty, too long, ...)."""


class EvalError(MenbeError):
    """An eval dataset or result file is malformed."""


class LLMError(MenbeError):
    """The user's chat model endpoint failed: down, slow, an HTTP error or garbage. The caller
    falls back to the extractive answer and says why."""
