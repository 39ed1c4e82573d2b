"""Chroma access: a persistent store under the index folder, or a Chroma server when configured.

Embeddings are always computed by Mənbə and passed in: Chroma's default embedding function would
try to download a model, which fails offline.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from app.config import Config
from app.errors import StoreUnavailableError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection


def open_client(config: Config) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if config.chroma_host:
        try:
            return chromadb.HttpClient(
                host=config.chroma_host, port=config.chroma_port, settings=settings
            )
        except Exception as exc:  # chromadb raises plain Exceptions for connection problems
            raise unreachable(config, exc) from exc
    config.index_dir.mkdir(parents=True, exist_ok=True)
    path = str(config.index_dir / "chroma")
    try:
        return chromadb.PersistentClient(path=path, settings=settings)
    except Exception:
        _forget(path)
        raise


def _forget(path: str) -> None:
    """Chroma caches a client's system per path *before* starting it, so a store that failed to
    open would fail again with a confusing error; forget it so the next try really reopens."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


def unreachable(config: Config, exc: BaseException) -> StoreUnavailableError:
    """The message for a Chroma server that does not answer, the same from CLI and app."""
    return StoreUnavailableError(
        f"cannot reach the Chroma server at {config.chroma_host}:{config.chroma_port} "
        f"({exc}); start it with `chroma run --path DIR --host {config.chroma_host} "
        f"--port {config.chroma_port}` or unset MENBE_CHROMA_HOST"
    )


def is_connection_error(exc: BaseException) -> bool:
    """True for a failure to talk to a Chroma server (httpx transport errors, in any cause)."""
    import httpx  # chromadb's own HTTP client

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, httpx.TransportError | ConnectionError | TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def store_label(config: Config) -> str:
    if config.chroma_host:
        return f"http://{config.chroma_host}:{config.chroma_port}"
    return "persistent"


def create_collection(client: ClientAPI, name: str, metadata: dict[str, Any]) -> Collection:
    return client.create_collection(
        name=name,
        metadata=metadata,
        configuration={"hnsw": {"space": "cosine"}},
        embedding_function=None,
    )


def get_collection(client: ClientAPI, name: str) -> Collection:
    return client.get_collection(name=name, embedding_function=None)


def collection_names(client: ClientAPI) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


def batches(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def add(
    collection: Collection,
    ids: Sequence[str],
    embeddings: Any,
    metadatas: Sequence[dict],
    documents: Sequence[str],
    batch_size: int,
) -> None:
    for part in batches(len(ids), batch_size):
        collection.add(
            ids=list(ids[part]),
            embeddings=embeddings[part],
            metadatas=list(metadatas[part]),
            documents=list(documents[part]),
        )


def all_records(collection: Collection, include: list[str], page: int = 5000) -> dict[str, list]:
    """Every record of a collection, paged so large stores do not load in one call."""
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        got = collection.get(limit=page, offset=offset, include=include)  # type: ignore[arg-type]
        out["ids"].extend(got["ids"])
        for key in include:
            values = got.get(key)
            out[key].extend(list(values) if values is not None else [])
        if len(got["ids"]) < page:
            return out
        offset += page
