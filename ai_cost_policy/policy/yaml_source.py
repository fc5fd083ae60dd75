"""YAML to plain data, remembering the line of every key and list item.

PyYAML's composer keeps a start mark on every node but its constructor throws them
away, so this module composes with the safe loader and converts the nodes itself.
That also lets it refuse what a policy file never needs and a hostile one might
contain: duplicate keys (which PyYAML silently resolves to the last one), unknown
tags, merge keys, and aliases that expand into millions of values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ai_cost_policy.policy.errors import PolicyError, dotted

# A real policy file is a few hundred lines; these limits only stop files that are
# not one (or alias "bombs" that expand a few lines into billions of values).
MAX_BYTES = 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 32

KeyPath = tuple[str | int, ...]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class ParsedYaml:
    """The data, plus the line of each key or item and the text of plain scalars."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    plain_text: dict[KeyPath, str] = field(default_factory=dict)


def too_large(source: str) -> PolicyError:
    return PolicyError(source, "larger than 1 MiB; too large for a policy file")


def parse_yaml(text: str, source: str) -> ParsedYaml:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise too_large(source)

    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise PolicyError(
            source,
            f"not valid YAML: character #x{exc.character:04x}: {exc.reason}",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyError(source, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise PolicyError(
            source, "not a policy: the YAML is nested too deeply"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()

    if node is None:
        raise PolicyError(
            source, "the policy file is empty; start it with 'version: 1'"
        )
    parsed = ParsedYaml(None)
    parsed.lines[()] = node.start_mark.line + 1
    parsed.data = _Converter(source, parsed).convert(node, (), frozenset())
    return parsed


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> PolicyError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    message = f"not valid YAML: {exc.problem or exc.context}"
    if exc.problem and exc.context and exc.problem.startswith("but "):
        # PyYAML splits "expected X, but found Y" between context and problem.
        message = f"not valid YAML: {exc.context}, {exc.problem}"
    elif exc.problem and exc.context:
        message += f" ({exc.context}"
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            message += f" at line {exc.context_mark.line + 1}"
        message += ")"
    return PolicyError(source, message, line)


class _Converter:
    def __init__(self, source: str, parsed: ParsedYaml) -> None:
        self.source = source
        self.parsed = parsed
        self.constructor = SafeConstructor()
        self.values = 0

    def fail(self, node: Node, path: KeyPath, message: str) -> PolicyError:
        return PolicyError(self.source, message, node.start_mark.line + 1, dotted(path))

    def convert(self, node: Node, path: KeyPath, ancestors: frozenset[int]) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fail(
                node,
                path,
                f"more than {MAX_VALUES} values once YAML aliases are "
                "expanded; not a policy",
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
        if id(node) in ancestors:
            raise self.fail(node, path, "a YAML alias refers to a value that holds it")

        if isinstance(node, MappingNode):
            return self.mapping(node, path, ancestors | {id(node)})
        if isinstance(node, SequenceNode):
            return self.sequence(node, path, ancestors | {id(node)})
        return self.scalar(node, path)

    def mapping(
        self, node: MappingNode, path: KeyPath, ancestors: frozenset[int]
    ) -> Any:
        if node.tag != _MAP_TAG:
            raise self.fail(
                node, path, f"YAML tag '{_short(node.tag)}' is not supported here"
            )
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise self.fail(
                    key_node,
                    path,
                    "YAML merge keys ('<<') are not supported; "
                    "repeat the keys or use an alias for the whole value",
                )
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, path, "a key must be plain text")
            # The key's own text, not YAML 1.1's reading of it: a tag named 'on' or
            # '2024' stays that string instead of becoming true or a number.
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_seen:
                raise self.fail(
                    key_node,
                    (*path, key),
                    f"duplicate key (first at line {first_seen[key]}); YAML would "
                    "silently keep only the last one",
                )
            first_seen[key] = line
            self.parsed.lines[(*path, key)] = line
            result[key] = self.convert(value_node, (*path, key), ancestors)
        return result

    def sequence(
        self, node: SequenceNode, path: KeyPath, ancestors: frozenset[int]
    ) -> Any:
        if node.tag != _SEQ_TAG:
            raise self.fail(
                node, path, f"YAML tag '{_short(node.tag)}' is not supported here"
            )
        items = []
        for index, item in enumerate(node.value):
            self.parsed.lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.convert(item, (*path, index), ancestors))
        return items

    def scalar(self, node: Node, path: KeyPath) -> Any:
        if node.tag not in SafeConstructor.yaml_constructors:
            raise self.fail(
                node, path, f"YAML tag '{_short(node.tag)}' is not supported"
            )
        if isinstance(node, ScalarNode) and node.style is None:
            self.parsed.plain_text[path] = node.value
        if isinstance(node.value, str) and _SURROGATE.search(node.value):
            # "\ud800" in a double-quoted YAML string: no text can contain it,
            # and it cannot be printed or matched against a tag.
            raise self.fail(
                node, path, "not valid Unicode text (a lone surrogate escape)"
            )
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise self.fail(
                node, path, f"cannot read this value: {exc.problem}"
            ) from None
        except (ValueError, OverflowError) as exc:
            # Python's own wording (int digit limits, date ranges) is not for users.
            reason = (
                "a number too large to read"
                if node.tag.endswith((":int", ":float"))
                else str(exc)
            )
            raise self.fail(node, path, f"cannot read this value: {reason}") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!", 1)
