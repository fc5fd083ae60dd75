"""The one error a user's policy mistake turns into: file, line, key and message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches


class PolicyError(Exception):
    """A policy file (or override) that cannot be used, and where it went wrong.

    ``str(err)`` reads ``<file>:<line>: <key>: <message>``, leaving out what is not
    known, so that editors and CI logs can jump to the spot. A file with several
    mistakes raises its first one (in file order); ``others`` holds the rest so that
    ``config validate`` can list them all in one run.
    """

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        key: str | None = None,
        others: Sequence[PolicyError] = (),
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.message = message
        self.others = tuple(others)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions pickle their args; these are keyword-rich, so say how to rebuild
        # one (Checkov may hand results between worker processes).
        return (
            PolicyError,
            (self.file, self.message, self.line, self.key, self.others),
        )

    def render(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.key:
            return f"{where}: {self.key}: {self.message}"
        return f"{where}: {self.message}"

    def all(self) -> tuple[PolicyError, ...]:
        """This error followed by the others, in file order."""
        return (self, *self.others)

    def __str__(self) -> str:
        return self.render()


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a near-miss most likely meant, compared case-insensitively."""
    by_folded = {candidate.casefold(): candidate for candidate in candidates}
    close = get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


def dotted(path: Sequence[str | int]) -> str | None:
    """``tags.required.cost-center.pattern``; list items as ``approved[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or None
