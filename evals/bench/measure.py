"""Timing and memory of child processes: the CLI's cold start, a re-ingest, the ingest probe, the UI while serving."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall seconds, exit code, stdout, peak resident memory (MB)."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float


def run_child(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 3600) -> ChildRun:
    """Run ``args``: wall seconds, exit code and output (peak memory comes from ``python_child``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    return ChildRun(seconds, proc.returncode, out, err, 0.0)


def python_child(module_args: list[str], env: dict[str, str], cwd: Path, timeout: float = 3600) -> ChildRun:
    """``python -m ...`` in a fresh interpreter, with that child's own peak RSS."""
    # RUSAGE_CHILDREN is a running max over all of a process's children: a throwaway parent per measurement
    # makes it belong to exactly one child.
    wrapper = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr);"
        "sys.stderr.write('\\n@@RSS ' + str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + '\\n');"
        "sys.exit(p.returncode)"
    )
    run = run_child([sys.executable, "-c", wrapper, sys.executable, "-m", *module_args], env, cwd, timeout)
    rss_kb = 0.0
    lines = []
    for line in run.stderr.splitlines():
        if line.startswith("@@RSS "):
            rss_kb = float(line.split()[1])
        else:
            lines.append(line)
    return ChildRun(run.seconds, run.returncode, run.stdout, "\n".join(lines), rss_kb / 1024)


def median_wall(module_args: list[str], env: dict[str, str], cwd: Path, runs: int) -> tuple[float | None, list[float]]:
    """Median wall seconds of ``runs`` fresh interpreters running ``python -m module_args`` (None if any fails)."""
    times = []
    for _ in range(runs):
        run = python_child(module_args, env, cwd, timeout=300)
        if run.returncode != 0:
            sys.stderr.write(f"bench: {' '.join(module_args[:2])} failed: {run.stderr.strip()[-300:]}\n")
            return None, times
        times.append(run.seconds)
    return statistics.median(times), times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def ui_serving_rss(ui: Path, env: dict[str, str], questions: list[str], timeout: float = 240) -> dict[str, object]:
    """Start ``ui.py``, ask ``questions`` through its API, and read its peak RSS (VmHWM) while it serves."""
    if not ui.exists():
        return {"peak_rss_mb": None, "note": "ui.py not found"}
    port = free_port()
    env = {**env, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, str(ui)], env=env, cwd=ui.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    asked = 0
    note = None
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                return {"peak_rss_mb": None, "note": f"ui.py exited {proc.returncode}: "
                        f"{(proc.stderr.read() if proc.stderr else '')[-300:]}"}
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            return {"peak_rss_mb": _vm_hwm_mb(proc.pid), "note": "ui.py did not start listening in time"}
        ready_s = time.perf_counter() - started
        try:
            from gradio_client import Client

            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            for q in questions:
                client.predict(q, "[]", api_name="/ask")
                asked += 1
        except Exception as exc:  # noqa: BLE001 - memory is still worth reporting without the questions
            note = f"gradio_client: {exc.__class__.__name__}: {str(exc)[:200]}"
        return {"peak_rss_mb": _vm_hwm_mb(proc.pid), "questions_asked": asked, "ready_s": round(ready_s, 2),
                "note": note}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # a file removed while we walk
                total += (Path(root) / name).stat().st_size
    return total / 1048576
