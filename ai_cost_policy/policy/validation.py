"""Every check a policy document passes before it becomes a Policy.

The JSON Schema decides shape and types; this module turns each schema error into a
message a person can act on (where, what was found, what was probably meant) and then
checks what a schema cannot: that each ``pattern`` compiles, that ``allowed`` values
can pass their ``pattern``, and that a Bedrock model pattern can match a model at all.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import regex
from jsonschema import Draft202012Validator, ValidationError

from ai_cost_policy.attribute_paths import parse
from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.models.bedrock import GEO_PREFIXES
from ai_cost_policy.models.canonical import normalise
from ai_cost_policy.policy.errors import PolicyError, did_you_mean, dotted
from ai_cost_policy.policy.yaml_source import KeyPath, ParsedYaml

SCHEMA: dict[str, Any] = json.loads(
    resources.files("ai_cost_policy.policy").joinpath("schema.json").read_text("utf-8")
)

# Rule IDs and Pulumi names are part of the contract (DESIGN.md): IDs 4-6 are
# reserved for rules that are not built yet. A test keeps this in step with RULES.
RULE_NAMES = {
    "CKV_AICOST_1": "ai-required-cost-tags",
    "CKV_AICOST_2": "ai-approved-model",
    "CKV_AICOST_3": "ai-model-cost-tag",
    "CKV_AICOST_4": "ai-bedrock-attributable-usage",
    "CKV_AICOST_5": "ai-capacity-guardrail",
    "CKV_AICOST_6": "ai-model-version-pinned",
}
NOT_BUILT_RULES = ("CKV_AICOST_4", "CKV_AICOST_5", "CKV_AICOST_6")
BUILT_RULES = tuple(rule for rule in RULE_NAMES if rule not in NOT_BUILT_RULES)
NOT_BUILT_KEYS = ("sunset", "exceptions", "scopes", "guardrails")

_NOT_BUILT = {"$ref": "#/$defs/notBuiltYet"}
_GLOB_CHARS = re.compile(r"[*?\[]")

_FILE_VALIDATOR = Draft202012Validator(SCHEMA)
# Overrides are partial documents: everything but `version: 1` being required.
_OVERRIDE_VALIDATOR = Draft202012Validator(
    {key: value for key, value in SCHEMA.items() if key != "required"}
)


def check(parsed: ParsedYaml, source: str, *, partial: bool = False) -> None:
    """Raise the first problem (in file order) with the others attached."""
    validator = _OVERRIDE_VALIDATOR if partial else _FILE_VALIDATOR
    problems = [
        problem
        for error in validator.iter_errors(parsed.data)
        for problem in _explain(error, parsed, source)
    ]
    if isinstance(parsed.data, Mapping):
        problems += _check_meaning(parsed.data, parsed, source)
    if problems:
        unique = {(p.line or 0, p.key or "", p.message): p for p in problems}
        ordered = [unique[spot] for spot in sorted(unique)]
        first = ordered[0]
        raise PolicyError(first.file, first.message, first.line, first.key, ordered[1:])


def _problem(
    parsed: ParsedYaml, source: str, path: KeyPath, message: str
) -> PolicyError:
    return PolicyError(source, message, _line(parsed, path), dotted(path))


def _line(parsed: ParsedYaml, path: KeyPath) -> int | None:
    # An error inside a value that has no line of its own (an empty mapping written
    # inline) is reported at the nearest enclosing key.
    while path not in parsed.lines and path:
        path = path[:-1]
    return parsed.lines.get(path)


# --- schema errors, explained -------------------------------------------------


def _explain(
    error: ValidationError, parsed: ParsedYaml, source: str
) -> Iterator[PolicyError]:
    path: KeyPath = tuple(error.absolute_path)
    kind = error.validator

    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        for key in error.instance:
            if key not in known:
                message = _unknown_key(path, key, known)
                yield _problem(parsed, source, (*path, key), message)
    elif kind == "not" and error.schema == SCHEMA["$defs"]["notBuiltYet"]:
        yield _problem(parsed, source, path, _not_built(path))
    elif "propertyNames" in error.absolute_schema_path:
        # jsonschema reports a bad key at its mapping, with the key as the instance.
        line = _line(parsed, (*path, error.instance))
        yield PolicyError(source, "a key must not be empty", line, dotted(path))
    elif kind == "required":
        for key in error.validator_value:
            if key not in error.instance:
                hint = (
                    " (add 'version: 1' as the first line)" if key == "version" else ""
                )
                yield _problem(parsed, source, (*path, key), f"missing{hint}")
    elif kind == "type":
        yield _problem(parsed, source, path, _wrong_type(error, parsed, path))
    elif kind == "enum":
        yield _problem(parsed, source, path, _not_one_of(error))
    elif kind == "const" and path == ("version",):
        yield _problem(
            parsed,
            source,
            path,
            f"this release reads policy version 1, found {_describe(error.instance)}",
        )
    elif kind == "minLength":
        yield _problem(parsed, source, path, "must not be empty")
    elif kind == "minItems":
        yield _problem(
            parsed,
            source,
            path,
            "must list at least one value; an empty list "
            "would allow none (leave the key out to accept any value)",
        )
    elif kind == "uniqueItems":
        seen: set[str] = set()
        for index, item in enumerate(error.instance):
            if repr(item) in seen:
                message = f"lists {_describe(item)} more than once"
                yield _problem(parsed, source, (*path, index), message)
                break
            seen.add(repr(item))
    else:
        yield _problem(parsed, source, path, error.message)


def _unknown_key(path: KeyPath, key: str, known: Mapping[str, Any]) -> str:
    if path == ("rules",):
        return _unknown_rule(key)
    # A key that exists elsewhere in the file was most likely put at the wrong
    # level; that beats a spelling guess ('model_tag' is not 'models').
    elsewhere = _where_else(key)
    if elsewhere is not None:
        return f"unknown key here; did you mean '{dotted(elsewhere)}'?"
    offered = [name for name, schema in known.items() if schema != _NOT_BUILT]
    guess = did_you_mean(key, offered)
    if guess:
        return f"unknown key; did you mean '{guess}'?"
    return f"unknown key; expected one of: {', '.join(offered)}"


def _unknown_rule(key: str) -> str:
    built = ", ".join(BUILT_RULES)
    by_name = {name: rule for rule, name in RULE_NAMES.items()}
    if key in by_name:
        return (
            f"rules are keyed by Checkov ID; did you mean '{by_name[key]}'? "
            f"(rules in this release: {built})"
        )
    guess = did_you_mean(key, BUILT_RULES)
    if guess and not re.fullmatch(r"CKV_AICOST_\d+", key):
        return f"unknown rule; did you mean '{guess}'?"
    return f"unknown rule; rules in this release: {built}"


def _not_built(path: KeyPath) -> str:
    if len(path) == 2 and path[0] == "rules":
        rule = str(path[1])
        return (
            f"rule {rule} ({RULE_NAMES[rule]}) is not built yet; rules in this "
            f"release: {', '.join(BUILT_RULES)}"
        )
    return f"'{path[-1]}' is not available in policy version 1 yet"


def _where_else(key: str) -> KeyPath | None:
    """The path of the first schema property named ``key`` anywhere in the file."""
    pending: list[tuple[KeyPath, Mapping[str, Any]]] = [((), SCHEMA)]
    while pending:
        path, schema = pending.pop(0)
        if "$ref" in schema:
            schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        for name, sub in schema.get("properties", {}).items():
            if sub == _NOT_BUILT:
                continue
            if name == key:
                return (*path, name)
            pending.append(((*path, name), sub))
    return None


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "null": "nothing (null)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _wrong_type(error: ValidationError, parsed: ParsedYaml, path: KeyPath) -> str:
    wanted = error.validator_value
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    message = (
        f"expected {' or '.join(_TYPE_NAMES[name] for name in wanted)}, "
        f"found {_describe(error.instance)}"
    )
    # YAML 1.1 reads yes, no, on, off, 1.0 or 2024-01-01 as something other than
    # text; the fix is nearly always quotes.
    text = parsed.plain_text.get(path)
    if "string" in wanted and text and not isinstance(error.instance, dict | list):
        message += f'; write "{text}" in quotes if you mean the text'
    return message


def _not_one_of(error: ValidationError) -> str:
    options = [str(option) for option in error.validator_value]
    message = f"{_describe(error.instance)} is not one of: {', '.join(options)}"
    if isinstance(error.instance, str):
        guess = did_you_mean(error.instance, options)
        if guess:
            message += f"; did you mean '{guess}'?"
    return message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} value"


# --- what the schema cannot say -----------------------------------------------


def _check_meaning(
    data: Mapping[str, Any], parsed: ParsedYaml, source: str
) -> list[PolicyError]:
    problems: list[PolicyError] = []
    tags = data.get("tags")
    required = tags.get("required") if isinstance(tags, Mapping) else None
    if isinstance(required, Mapping):
        for key, requirement in required.items():
            if isinstance(requirement, Mapping):
                path = ("tags", "required", key)
                problems += _check_requirement(requirement, path, parsed, source)

    problems += _check_resource_types(data.get("resource_types"), parsed, source)

    models = data.get("models")
    if isinstance(models, Mapping):
        bedrock = models.get("bedrock")
        approved = bedrock.get("approved") if isinstance(bedrock, Mapping) else None
        if isinstance(approved, list):
            for index, pattern in enumerate(approved):
                if isinstance(pattern, str):
                    message = _bedrock_pattern_problem(pattern)
                    if message:
                        path = ("models", "bedrock", "approved", index)
                        problems.append(_problem(parsed, source, path, message))
    return problems


def _check_resource_types(
    types: Any, parsed: ParsedYaml, source: str
) -> list[PolicyError]:
    """A user type may not shadow a built-in one, repeat, or hold a bad path."""
    if not isinstance(types, list):
        return []
    built_in = set(load_catalog().terraform_types)
    problems: list[PolicyError] = []
    seen: set[str] = set()
    for index, item in enumerate(types):
        if not isinstance(item, Mapping):
            continue
        name = item.get("terraform_type")
        where = ("resource_types", index, "terraform_type")
        if name in built_in:
            message = f"'{name}' is already in the built-in catalog (docs/catalog.md)"
            problems.append(_problem(parsed, source, where, message))
        elif name in seen:
            message = f"'{name}' is defined twice"
            problems.append(_problem(parsed, source, where, message))
        seen.add(name)
        for position, location in enumerate(item.get("models") or ()):
            for engine in ("terraform", "pulumi"):
                path = location.get(engine) if isinstance(location, Mapping) else None
                if not isinstance(path, str):
                    continue
                try:
                    parse(path)
                except ValueError:
                    message = (
                        f"'{path}' is not a catalog path (segments joined by '.', "
                        "each a name, name[0] or name[*])"
                    )
                    key = ("resource_types", index, "models", position, engine)
                    problems.append(_problem(parsed, source, key, message))
    return problems


def _check_requirement(
    requirement: Mapping[str, Any], path: KeyPath, parsed: ParsedYaml, source: str
) -> list[PolicyError]:
    pattern = requirement.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        return []
    try:
        # The stdlib's messages are the ones users know; matching uses `regex`
        # (for its timeout), which must accept the pattern too.
        compiled = re.compile(pattern)
        regex.compile(pattern)
    except (re.error, regex.error) as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        message = f"invalid regular expression: {exc.msg}{where}"
        return [_problem(parsed, source, (*path, "pattern"), message)]

    allowed = requirement.get("allowed")
    if not isinstance(allowed, list):
        return []
    return [
        _problem(
            parsed,
            source,
            (*path, "allowed", index),
            f"'{value}' does not match the pattern '{pattern}', so no tag could have "
            "it (when both are given, both apply)",
        )
        for index, value in enumerate(allowed)
        if isinstance(value, str) and not compiled.fullmatch(value)
    ]


def _bedrock_pattern_problem(pattern: str) -> str | None:
    """Why a Bedrock approved pattern can never match a canonical model ID, if so.

    Canonical Bedrock IDs carry no ARN, geo prefix or context suffix, so a pattern
    copied from Terraform code (``us.anthropic...``) would silently approve nothing.
    """
    lowered = pattern.strip().lower()
    if not _GLOB_CHARS.search(lowered):
        model = normalise("bedrock", lowered)
        if model.canonical is None:
            return f"'{pattern}' names no model: {model.opaque_reason}"
        if model.canonical != lowered:
            return (
                f"'{pattern}' never matches: Bedrock model IDs are compared in "
                f"canonical form; write '{model.canonical}'"
            )
        return None
    head, dot, rest = lowered.partition(".")
    if dot and head in GEO_PREFIXES and rest:
        return (
            f"'{pattern}' never matches: Bedrock model IDs are compared without the "
            f"geo prefix '{head}.'; write '{rest}'"
        )
    if lowered.startswith("arn:"):
        return (
            f"'{pattern}' never matches: Bedrock model IDs are compared without the "
            "ARN; write the model ID alone, e.g. 'anthropic.claude-sonnet-4-*'"
        )
    return None
