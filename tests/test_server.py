"""The shared store: a real `chroma run` server started by the test, used through ``Settings(chroma_url=...)``.

Ingest, questions, idempotence, pruning and two assistants seeing each other's ingests all go over HTTP.
Nothing to install: the server binary comes with chromadb in the venv; the test stops it when done.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import StoreError
from assistant.store import open_store
from ingest.pipeline import ingest
from tests.conftest import CORPUS, FakeEmbedder, free_port

pytestmark = pytest.mark.server

BEXLEY = "hmip-inspection-youth-justice-services-bexley-2024-07"


def _chroma_binary() -> str | None:
    here = Path(sys.executable).parent / "chroma"
    return str(here) if here.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` server on a free local port over a temp folder; stopped at the end of the module."""
    binary = _chroma_binary()
    if binary is None:
        pytest.fail("the `chroma` binary is missing from the venv: reinstall with `make install`")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "wb")  # noqa: SIM115 - closed in the finaliser below
    proc = subprocess.Popen(
        [binary, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("server-docs") / "corpus"
    shutil.copytree(CORPUS, folder)
    for p in [folder, *folder.iterdir()]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)
    return folder


@pytest.fixture(scope="module")
def server_settings(chroma_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # index_dir points at an empty folder: nothing may be written there when a server is configured
    return Settings(chroma_url=chroma_url, index_dir=tmp_path_factory.mktemp("unused") / "ix", model="fake-hash-64")


def test_ingest_and_ask_over_the_server(server_settings: Settings, corpus_copy: Path) -> None:
    report = ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), progress=False)
    assert report.failed == () and report.documents == 5
    assert not server_settings.index_dir.exists()  # everything went to the server
    bot = Assistant(server_settings, embedder=FakeEmbedder())
    answer = bot.ask("What rating did Bexley get?")
    assert not answer.refused and "'Good'" in answer.text
    assert answer.citations[0].document == BEXLEY
    assert bot.ask("What rating did Croydon get?").refused
    store = open_store(server_settings)
    assert store.chunk_count() == sum(d.chunks for d in store.documents().values()) == report.chunks


def test_idempotent_reingest_and_pruning_over_the_server(server_settings: Settings, corpus_copy: Path) -> None:
    ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), progress=False)
    again = FakeEmbedder()
    report = ingest([corpus_copy], server_settings, embedder=again, progress=False)
    assert (report.documents, report.skipped_unchanged, again.calls) == (0, 5, 0)

    # a changed file replaces all its chunks
    path = corpus_copy / f"{BEXLEY}.txt"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n\n9.9 Added after publication: a server-side change marker.\n", encoding="utf-8")
    report = ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), progress=False)
    assert (report.documents, report.skipped_unchanged) == (1, 4)
    store = open_store(server_settings)
    texts = [c.paragraph_text for c in store.iter_chunks() if c.doc_id == BEXLEY]
    assert any("server-side change marker" in t for t in texts)
    assert store.chunk_count() == sum(d.chunks for d in store.documents().values())

    # a removed file is pruned
    moved = path.with_suffix(".bak")
    path.rename(moved)
    try:
        report = ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), prune=True, progress=False)
        assert report.pruned == 1
        store = open_store(server_settings)
        assert BEXLEY not in store.documents()
        assert not [c for c in store.iter_chunks() if c.doc_id == BEXLEY]
        assert store.chunk_count() == sum(d.chunks for d in store.documents().values())
    finally:
        moved.rename(path)
        path.write_text(original, encoding="utf-8")
        ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), progress=False)


def test_two_assistants_sharing_the_server_see_each_others_ingests(
    server_settings: Settings, corpus_copy: Path, tmp_path: Path
) -> None:
    ingest([corpus_copy], server_settings, embedder=FakeEmbedder(), progress=False)
    first = Assistant(server_settings, embedder=FakeEmbedder())
    second = Assistant(server_settings, embedder=FakeEmbedder())
    question = "What did the Northbridge committee decide about the skate park budget?"
    assert first.ask(question).refused

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "northbridge-leisure-committee.txt").write_text(
        "Northbridge Leisure Committee\n\nTitle: Skate park budget\n\nDate: 3 March 2025\n\n"
        "1. Decision\n\n1.1 The Northbridge committee decided to set the skate park budget at £85,000.\n",
        encoding="utf-8",
    )
    # a separate process ingests, as a second UI or a scheduled job would
    code = (
        "import sys; sys.path.insert(0, '.'); from pathlib import Path; from assistant.config import Settings;"
        "from ingest.pipeline import ingest; from tests.conftest import FakeEmbedder;"
        f"r = ingest([{str(extra)!r}], Settings(chroma_url={server_settings.chroma_url!r}, model='fake-hash-64'),"
        " embedder=FakeEmbedder(), progress=False); sys.exit(0 if r.documents == 1 else 1)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    for bot in (first, second):
        bot.refresh()
        answer = bot.ask(question)
        assert not answer.refused and "85,000" in answer.text, answer.text
    assert first.index_info()["corpus_hash"] == second.index_info()["corpus_hash"]


def test_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(chroma_url=f"http://127.0.0.1:{free_port()}", model="fake-hash-64")
    with pytest.raises(StoreError) as info:
        open_store(settings)
    assert "127.0.0.1" in str(info.value) and "\n" not in str(info.value)


def _wait_http(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ui.py exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"ui.py did not answer on {url}")


def test_two_ui_processes_share_one_server(chroma_url: str, real_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two `python ui.py` processes on one `chroma run` server answer alike and both see a later ingest."""
    from gradio_client import Client

    from tests.conftest import FIXTURES, ROOT

    settings = Settings(chroma_url=chroma_url)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(FIXTURES / "unseen" / "croydon-press-release.txt", first)
    shutil.copy(FIXTURES / "unseen" / "croydon-cyp-minutes-2025-04.txt", second)
    assert ingest([first], settings, embedder=real_embedder, progress=False).documents == 1

    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            env = {**__import__("os").environ, "ASSISTANT_CHROMA_URL": chroma_url, "GRADIO_SERVER_PORT": str(port)}
            env.pop("ASSISTANT_INDEX", None)
            procs.append(
                subprocess.Popen(
                    [sys.executable, str(ROOT / "ui.py")], cwd=tmp_path, env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}/")
        for url, proc in zip(urls, procs, strict=True):
            _wait_http(url, proc)
        clients = [Client(url, verbose=False) for url in urls]
        for client in clients:
            answer = client.predict("How was Croydon rated?", "[]", api_name="/ask")
            assert "Requires improvement" in answer["answer"]
        # a later ingest (by a third process's library call) is seen by both running UIs
        assert ingest([first, second], settings, embedder=real_embedder, progress=False).documents == 1
        for client in clients:
            answer = client.predict("Who will lead the new diversion panel?", "[]", api_name="/ask")
            assert "Tom Archer" in answer["answer"]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
