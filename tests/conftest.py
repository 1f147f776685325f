"""Shared fixtures: an isolated environment per test, a deterministic fake embedder, the bundled real one."""

from __future__ import annotations

import hashlib
import math
import os
import re
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.offline import go_offline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

go_offline()


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server a test starts (and stops)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No ASSISTANT_* setting leaks in from the developer's shell; each test runs in its own folder."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    yield


class FakeEmbedder:
    """A deterministic fake for plumbing tests: hashed bag-of-words vectors (similar texts, similar vectors)."""

    name = "fake-hash-64"
    max_tokens = 256

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        out = []
        for text in texts:
            vec = [0.0] * self.dim
            for word in re.findall(r"\w+", text.lower()):
                vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text)) + 2


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh embedded index in the test's temp folder, with a fake model name."""
    return Settings(index_dir=tmp_path / "index", model="fake-hash-64")


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2, loaded once per session."""
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def assistant_over_paper(
    tmp_path_factory: pytest.TempPathFactory, embedder, file_name: str, text: str
):  # type: ignore[no-untyped-def]
    """An Assistant over one fictional paper, ingested as ``file_name`` into a fresh index (real Chroma)."""
    from assistant.engine import Assistant
    from ingest.pipeline import ingest

    folder = tmp_path_factory.mktemp(Path(file_name).stem)
    (folder / file_name).write_text(text)
    settings = Settings(index_dir=tmp_path_factory.mktemp(f"{Path(file_name).stem}-index"))
    report = ingest([folder], settings, embedder=embedder, progress=False)
    assert report.failed == () and report.documents == 1
    return Assistant(settings)


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Settings:  # type: ignore[no-untyped-def]
    """A real index of the corpus (bundled model, embedded Chroma in a temp folder), built once per session."""
    from ingest.pipeline import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("corpus-index"))
    report = ingest([CORPUS], settings, embedder=real_embedder, progress=False)
    assert report.failed == () and report.documents == 5
    return settings


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(corpus_settings)
