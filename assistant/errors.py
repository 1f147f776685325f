"""The project's exceptions; every message says what went wrong, where, and what to do next.

    AssistantError
    ├── ConfigError          bad setting or CLI value
    ├── IngestError          one file could not be ingested (the batch goes on)
    │   └── UnreadableFile   empty, corrupt, encrypted, binary, wrong encoding, too large, unsupported
    ├── IndexMissing         no index (or an empty one) where a question was asked
    ├── StoreError           the Chroma store could not be reached or used
    └── EvalSetError         a malformed question set (file, question id and field named)
"""

from __future__ import annotations


class AssistantError(Exception):
    """Root of the project's errors; ``str(err)`` is one line a user can act on."""


class ConfigError(AssistantError):
    pass


class IngestError(AssistantError):
    pass


class UnreadableFile(IngestError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissing(AssistantError):
    pass


class StoreError(AssistantError):
    pass


class EvalSetError(AssistantError):
    pass
