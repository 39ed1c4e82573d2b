"""One writer at a time: an exclusive ``flock`` on ``<index>/.writer.lock``.

The kernel drops a flock when its holder dies, however it dies (kill -9 included), so a lock
left by a killed build never blocks anyone: the file may stay, the lock does not. The file
records the holder's pid and purpose only for the message a second writer prints. A build fails
at once when another build holds the lock; it waits (briefly) for a ``cleanup``, which a serving
app takes for the second or so it needs to remove a generation it stopped using.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from app.errors import IndexBusyError

LOCK_FILE = ".writer.lock"
BUILD, CLEANUP = "build", "cleanup"
CLEANUP_WAIT_S = 30.0
_POLL_S = 0.05


class WriterLock:
    """The index folder's writer lock; use ``hold`` for the common case."""

    def __init__(self, index_dir: Path, purpose: str = BUILD):
        self.path, self.purpose = index_dir / LOCK_FILE, purpose
        self._fd: int | None = None

    def try_acquire(self, *, record: bool = True) -> bool:
        """Take the lock if it is free; never waits. ``record`` writes our pid for others."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        if record:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.purpose}\n".encode())
        self._fd = fd
        return True

    def acquire(self, *, record: bool = True) -> None:
        """Take the lock, waiting out a short cleanup; another build raises IndexBusyError."""
        deadline = time.monotonic() + CLEANUP_WAIT_S
        while not self.try_acquire(record=record):
            pid, purpose = self.holder()
            if purpose != CLEANUP or time.monotonic() > deadline:
                raise IndexBusyError(
                    f"another `menbe index` is running (pid {pid or '?'}) on "
                    f"{self.path.parent}; wait for it to finish, then run this again"
                )
            time.sleep(_POLL_S)

    def holder(self) -> tuple[int | None, str]:
        """(pid, purpose) written by the current holder, as far as the file tells."""
        try:
            pid, _, purpose = self.path.read_text(encoding="ascii").strip().partition(" ")
            return int(pid), purpose
        except (OSError, ValueError, UnicodeDecodeError):
            return None, BUILD

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def ensure_free(index_dir: Path) -> None:
    """Fail now, before minutes of model loading, if another build holds the lock."""
    lock = WriterLock(index_dir)
    lock.acquire(record=False)  # the holder's record stays as it is
    lock.release()


@contextlib.contextmanager
def hold(index_dir: Path, purpose: str = BUILD) -> Iterator[WriterLock]:
    lock = WriterLock(index_dir, purpose)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
