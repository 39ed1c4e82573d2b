"""Answering from whichever generation is current, for a long-running app.

Before each request the app stats ``manifest.json`` (one syscall); when a build has switched it,
the new generation is opened and becomes current *between* requests. A request already running
keeps the retriever it started with. The old generation is closed (its lease released) when its
last request finishes, and then removed if nobody else reads it — by this process when it can
take the writer lock at once, otherwise by the next build. If the new generation cannot be
opened, the app logs why and keeps answering from the one it has.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import generations, health, locking, store
from app.answering import Answer, Answerer
from app.config import Config
from app.corpus import Corpus, load_corpus
from app.errors import MenbeError
from app.manifest import Stamp, read_manifest, stamp
from app.retrieval import Retriever, SearchResult


@dataclass
class _Generation:
    """One open generation and the number of requests running on it."""

    retriever: Retriever
    answerer: Answerer
    in_flight: int = 0


class LiveAnswerer:
    """An ``Answerer`` that follows the index: same ``ask``, never on a removed generation.

    Safe to call from many threads at once (``menbe serve``): ``_lock`` guards only the
    switch between generations and their request counts, never the answering itself, which
    reads shared, unchanging parts (tests/test_concurrency.py)."""

    def __init__(
        self,
        config: Config,
        embedder: Any,
        report: Callable[[str], None],
        wrap: Callable[[Answerer], Any] | None = None,
    ):
        """``wrap``: what answers on each generation's extractive answerer (the generative one,
        when the user has a model)."""
        self.config, self.embedder, self._report = config, embedder, report
        self._wrap = wrap
        self.streams = wrap is not None  # the wrapped answerer takes ``on_token``
        self._lock = threading.Lock()
        self._retired: list[_Generation] = []
        self._stamp: Stamp | None = stamp(config.index_dir)
        self._current = self._open()  # raises when there is no usable index at all

    @property
    def corpus(self) -> Corpus:
        return self._current.retriever.corpus

    @property
    def generation(self) -> int:
        return self._current.retriever.generation

    def ask(self, question: str, **kwargs: Any) -> Answer:
        gen = self._enter()
        try:
            return gen.answerer.ask(question, **kwargs)
        except Exception as exc:
            if self.config.chroma_host and store.is_connection_error(exc):
                raise store.unreachable(self.config, exc) from exc
            raise
        finally:
            self._leave(gen)

    def search(self, query: str, **kwargs: Any) -> SearchResult:
        """Retrieval alone (the corpus browser's search box), on the current generation and
        under its lease, like ``ask``."""
        gen = self._enter()
        try:
            return gen.retriever.search(query, **kwargs)
        finally:
            self._leave(gen)

    def close(self) -> None:
        with self._lock:
            for gen in [self._current, *self._retired]:
                gen.retriever.close()
            self._retired = []

    def _open(self) -> _Generation:
        retriever = Retriever.open(self.config, load_corpus(self.config.corpus_dir), self.embedder)
        answerer = Answerer(retriever)
        return _Generation(retriever, self._wrap(answerer) if self._wrap else answerer)

    def _enter(self) -> _Generation:
        with self._lock:
            self._refresh()
            self._current.in_flight += 1
            return self._current

    def _leave(self, gen: _Generation) -> None:
        with self._lock:
            gen.in_flight -= 1
            done = [g for g in self._retired if g.in_flight == 0]
            self._retired = [g for g in self._retired if g.in_flight > 0]
        for old in done:
            old.retriever.close()
        if done:
            self._collect()

    def _refresh(self) -> None:
        """Switch to a new generation if the manifest changed (caller holds ``_lock``)."""
        now = stamp(self.config.index_dir)
        if now is None or now == self._stamp:
            return
        self._stamp = now
        try:
            new = self._open_retrying()
        except MenbeError as exc:
            self._report(f"menbe: keeping generation {self.generation}: {exc}")
            return
        if new.retriever.manifest == self._current.retriever.manifest:
            new.retriever.close()
            return
        old, self._current = self._current, new
        self._retired.append(old)
        self._report(f"Index: now answering from generation {self.generation}.")

    def _open_retrying(self) -> _Generation:
        """Open the current generation; after a store was moved aside, Chroma's per-path client
        cache still points at the moved files, so one retry starts from a fresh client."""
        try:
            return self._open()
        except MenbeError:
            health.forget_clients()
            return self._open()

    def _collect(self) -> None:
        """Remove generations nobody reads, if no build holds the writer lock right now."""
        lock = locking.WriterLock(self.config.index_dir, locking.CLEANUP)
        if not lock.try_acquire():
            return  # a build is running: it collects when it ends
        try:
            chroma = None if self.config.chroma_host else self.config.index_dir / health.CHROMA
            current = read_manifest(self.config.index_dir)  # stable: no build runs now
            client = store.open_client(self.config)
            generations.collect(
                self.config.index_dir, client, self.config.collection, current, chroma
            )
        except Exception as exc:  # cleanup is best effort: the next build does it again
            self._report(f"menbe: could not remove old generations yet ({exc})")
        finally:
            lock.release()
