"""The library's public API: what the CLI, the UI and the evaluation harness call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from assistant.types import Answer, Fact, Filters, Paragraph, Passage, Turn


class Answerer(Protocol):
    """What clients need from the assistant; tests may pass a deterministic fake."""

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        """Answer ``question`` (a follow-up resolves against ``history``) with verified citations, or refuse."""
        ...

    def retrieve(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best passages for ``question``, best first (for retrieval metrics)."""
        ...

    def facts(self) -> list[Fact]:
        """Every extracted fact, conflicts flagged."""
        ...

    def context(self, document: str, paragraph: int, radius: int = 3) -> list[Paragraph]:
        """The paragraphs around ``paragraph`` of ``document`` (for the source panel)."""
        ...

    def index_info(self) -> dict[str, str]:
        """Settings that change answers: model, chunking fingerprint, corpus hash (for comparing eval runs)."""
        ...


def answer_json(answer: Answer) -> dict[str, Any]:
    """The JSON contract of one answer (CLI ``ask --json``, the UI's ``/ask``, evaluation results)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "resolved_question": answer.resolved_question,
        "classification": answer.classification,
        "citations": [
            {
                "marker": c.marker,
                "source": c.source,
                "document": c.document,
                "title": c.title,
                "section": c.section,
                "label": c.label,
                "paragraph": c.paragraph,
                "page": c.page,
                "quote": c.quote,
                "date": c.date,
            }
            for c in answer.citations
        ],
        "trace": answer.trace,
    }
