"""Terraform configuration files: parsing and the blocks a module is made of.

Parsing uses the Lark grammar of ``hcl2`` as Checkov's fork (bc-python-hcl2)
provides it, so the project never needs the upstream ``python-hcl2`` distribution
that would break Checkov.
"""

from __future__ import annotations

import re
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from hcl2.parser import hcl2
from lark import Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
)

from ai_cost_policy.terraform.expressions import Source

# Lark needs seconds per MiB and much memory; real configuration files are small.
MAX_FILE_BYTES = 2 * 1024 * 1024
PARSE_SECONDS = 20.0
# Real configurations nest blocks a dozen levels at most. Reading them and turning
# them into values recurses once per level: this depth stays far inside Python's
# recursion limit (1,000 frames), even when Checkov calls in from a deep stack.
MAX_BLOCK_DEPTH = 256

# The grammar's string literal nests repetitions, so the parser backtracks
# exponentially over a string holding an escaped interpolation "$${" with no "}"
# after it: thirty characters before it take minutes. The escape is given to the
# parser as "$$" and a character no configuration holds (the same length, so
# every column stays right), and put back in the tokens of the parse tree.
_ESCAPE = "$${"
_STAND_IN = "$$\ufdd0"


def _stand_in(text: str) -> str:
    return text if _STAND_IN[-1] in text else text.replace(_ESCAPE, _STAND_IN)


def _parse(text: str) -> Tree:
    protected = _stand_in(text)
    tree = hcl2.lark_parser.parse(protected)
    if protected != text:
        for subtree in tree.iter_subtrees():
            for index, child in enumerate(subtree.children):
                if isinstance(child, Token) and _STAND_IN in child:
                    written = str(child).replace(_STAND_IN, _ESCAPE)
                    subtree.children[index] = Token.new_borrow_pos(
                        child.type, written, child
                    )
    return tree


class HclError(Exception):
    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Block:
    """One block with its attribute expressions and nested blocks."""

    kind: str
    labels: tuple[str, ...]
    attributes: dict[str, Tree]
    blocks: list[Block]
    source: Source
    line: int

    def nested(self, kind: str) -> list[Block]:
        return [block for block in self.blocks if block.kind == kind]


@dataclass
class ParsedFile:
    source: Source
    blocks: list[Block] = field(default_factory=list)
    attributes: dict[str, Tree] = field(default_factory=dict)


def _label(child: Tree | Token) -> str:
    if isinstance(child, Token):
        return str(child)[1:-1] if child.type == "STRING_LIT" else str(child)
    return str(child.children[0])


def _body(
    body: Tree, source: Source, depth: int = 0
) -> tuple[dict[str, Tree], list[Block]]:
    attributes: dict[str, Tree] = {}
    blocks: list[Block] = []
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = str(child.children[0].children[0])
            attributes[name] = child.children[1]
        elif child.data == "block":
            if depth >= MAX_BLOCK_DEPTH:
                raise HclError(
                    source.path,
                    _line(child) or None,
                    f"blocks are nested more than {MAX_BLOCK_DEPTH} levels deep",
                )
            kind = str(child.children[0].children[0])
            labels = tuple(_label(item) for item in child.children[1:-1])
            inner_attributes, inner_blocks = _body(
                child.children[-1], source, depth + 1
            )
            blocks.append(
                Block(
                    kind, labels, inner_attributes, inner_blocks, source, _line(child)
                )
            )
    return attributes, blocks


def _line(node: Tree) -> int:
    return 0 if node.meta.empty else node.meta.line


class _OutOfTime(Exception):
    pass


@contextmanager
def _time_box(seconds: float) -> Iterator[None]:
    """Stop a parse that runs longer than ``seconds`` (main thread only).

    The size limit bounds the work, but a pathological file inside it must not
    stall a pre-commit hook or a CI job either. Signals only reach the main thread;
    elsewhere (a library caller's worker thread) the size limit alone applies.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parse_text(text: str, path: str) -> Tree:
    try:
        with _time_box(PARSE_SECONDS):
            return _parse(text + "\n")
    except _OutOfTime:
        line = _unclosed_interpolation(text)
        if line is not None:
            raise HclError(
                path,
                line,
                f"parsing took longer than {PARSE_SECONDS:g} s: a string on this "
                "line opens '${' without a '}', on which the HCL parser backtracks; "
                "close it",
            ) from None
        raise HclError(
            path,
            None,
            f"parsing took longer than {PARSE_SECONDS:g} s; split the file",
        ) from None
    except UnexpectedInput as error:
        if _has_exponent(text, error.line):
            raise HclError(
                path,
                error.line,
                "numbers with exponents (1e3) are not supported by the HCL parser; "
                "write the number out",
            ) from None
        raise HclError(path, error.line, _syntax_message(error)) from None
    except (LarkError, RecursionError) as error:
        raise HclError(
            path, None, f"cannot parse HCL: {type(error).__name__}"
        ) from None


# A quoted string, to be left out when looking for code.
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_EXPONENT = re.compile(r"(?<![\w.$])\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])")


def _has_exponent(text: str, line: int | None) -> bool:
    """Whether the failing line, or the one before, writes a number like 1e3.

    The grammar reads ``1e3`` as ``1`` followed by the name ``e3``, and fails
    after it, on this line or at the start of the next.
    """
    if not isinstance(line, int) or line < 1:
        return False
    lines = text.split("\n")
    nearby = lines[max(line - 2, 0) : line]
    return any(_EXPONENT.search(_STRING.sub('""', code)) for code in nearby)


def _unclosed_interpolation(text: str) -> int | None:
    """The first line with a string that opens ``${`` and does not close it."""
    for number, line in enumerate(text.split("\n"), start=1):
        if re.search(r'"[^"\n]*\$\{[^}"\n]*"?\s*$', line):
            return number
    return None


def _syntax_message(error: UnexpectedInput) -> str:
    column = getattr(error, "column", None)
    at = f" at column {column}" if isinstance(column, int) and column > 0 else ""
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or getattr(token, "type", "") == "$END":
        return (
            "HCL syntax error: the file ends early; a brace, bracket, parenthesis "
            "or string is not closed"
        )
    if isinstance(error, UnexpectedCharacters):
        if error.char == '"':
            return f"HCL syntax error{at}: a string is not closed on this line"
        return f"HCL syntax error{at}: unexpected character {error.char!r}"
    if token is not None:
        # A string literal may hold a secret: name its kind, never its text.
        shown = "string" if token.type == "STRING_LIT" else repr(str(token)[:20])
        return f"HCL syntax error{at}: unexpected {shown}"
    return f"HCL syntax error{at}"


def read_text(path: Path, display: str) -> str:
    """A configuration file's text, or an HclError saying why it cannot be read."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise HclError(display, None, "not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise HclError(display, None, f"cannot read file: {reason}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise HclError(
            display, None, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HclError(
            display, None, f"file is not UTF-8 text (byte {error.start})"
        ) from None
    # Editors on Windows may start a file with a byte-order mark; Terraform reads it.
    return text.removeprefix("\ufeff")


def parse_file(path: Path, display: str) -> ParsedFile:
    # Terraform reads CRLF as a newline, but the grammar's heredocs need "\n";
    # each CRLF becomes one LF, so line numbers stay the same.
    text = read_text(path, display).replace("\r\n", "\n")
    source = Source(display, text)
    tree = _parse_text(text, display)
    body = next(child for child in tree.children if isinstance(child, Tree))
    attributes, blocks = _body(body, source)
    return ParsedFile(source, blocks, attributes)


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> tuple[Tree, Source] | None:
    """Parse the text inside ``${...}`` as an expression."""
    wrapped = f"interpolation = {text}\n"
    try:
        tree = _parse(wrapped)
    except (LarkError, RecursionError):
        return None
    body = next(child for child in tree.children if isinstance(child, Tree))
    attribute = next(child for child in body.children if isinstance(child, Tree))
    return attribute.children[1], Source("<interpolation>", wrapped)
