"""Policy documents (a YAML file, the embedded default, override values) to Policy.

Every document goes through the same three steps: parse (keeping lines), check
(schema, then meaning), build. A document only says what it changes: each key it
leaves out keeps the embedded default's value, and overrides replace the sections
they name, so the merge below is the one place that decides precedence.
"""

from __future__ import annotations

import copy
import os
import stat
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from ai_cost_policy.catalog import user_entry, user_entry_document
from ai_cost_policy.policy.errors import PolicyError
from ai_cost_policy.policy.model import Policy, TagRequirement
from ai_cost_policy.policy.validation import BUILT_RULES, check
from ai_cost_policy.policy.yaml_source import (
    MAX_BYTES,
    ParsedYaml,
    parse_yaml,
    too_large,
)

DEFAULT_SOURCE = "embedded default"
DEFAULT_MODEL_TAG = "ai-model"
DEFAULT_UNKNOWN = "warn"

# Sections whose sub-keys are replaced one by one when a later document names them;
# any other top-level key is replaced whole.
_MERGED_BY_SUB_KEY = ("tags", "models", "rules")


def load_policy_text(text: str, source: str) -> Policy:
    """The policy a YAML document describes; ``source`` names it in every error."""
    parsed = parse_yaml(text, source)
    if not isinstance(parsed.data, Mapping):
        raise PolicyError(
            source,
            "a policy file is a mapping of keys (version, tags, models, unknown, "
            "rules); start it with 'version: 1'",
            parsed.lines.get(()),
        )
    check(parsed, source)
    return _build(_merge(_default_document(), parsed.data), source)


def load_policy_file(path: str | Path, *, named_by: str | None = None) -> Policy:
    """The policy in ``path``; ``Policy.source`` is the path as given.

    ``named_by`` (``--config``, an environment variable) is added to a "not found"
    error so that the user knows where the name came from.
    """
    source = str(path)
    return load_policy_text(_read(Path(path), source, named_by), source)


def default_policy() -> Policy:
    """The embedded default (``default.yaml``), used when no policy file is found."""
    return _build(_default_document(), DEFAULT_SOURCE)


def apply_overrides(
    policy: Policy, overrides: Mapping[str, Any], source: str
) -> Policy:
    """``policy`` with the sections ``overrides`` names replaced.

    ``overrides`` has the shape of a policy file without ``version`` (the Pulumi pack
    passes its ``--policy-pack-config`` values); it is checked against the same schema,
    and errors name ``source`` and the key. ``tags``, ``models`` and ``rules`` are
    replaced per sub-key (``tags.required``, ``models.bedrock``,
    ``rules.CKV_AICOST_3``), every other key whole.
    """
    if not overrides:
        return policy
    if not isinstance(overrides, Mapping):
        raise PolicyError(source, "overrides must be a mapping of policy keys")
    check(ParsedYaml(overrides), source, partial=True)
    merged = _merge(_document(policy, explicit_rules_only=True), overrides)
    return _build(merged, f"{policy.source}, overridden by {source}")


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The effective policy in the shape of a policy file, every key spelled out."""
    return _document(policy, explicit_rules_only=False)


def _read(path: Path, source: str, named_by: str | None) -> str:
    by = f" (named by {named_by})" if named_by else ""
    try:
        # Opened without blocking: a FIFO would otherwise wait for a writer
        # forever. Anything but a regular file is refused before it is read.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise PolicyError(source, f"not a regular file (a FIFO or device){by}")
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PolicyError(source, f"no such file{by}") from None
    except IsADirectoryError:
        raise PolicyError(source, f"is a directory, not a policy file{by}") from None
    except OSError as exc:
        raise PolicyError(source, f"cannot read: {exc.strerror}{by}") from None
    if len(data) > MAX_BYTES:
        raise too_large(source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError(source, "not UTF-8 text", line) from None


@cache
def _checked_default() -> dict[str, Any]:
    package = resources.files("ai_cost_policy.policy")
    parsed = parse_yaml(
        package.joinpath("default.yaml").read_text("utf-8"), DEFAULT_SOURCE
    )
    check(parsed, DEFAULT_SOURCE)
    return parsed.data


def _default_document() -> dict[str, Any]:
    # A copy: the cached document must survive whatever a caller does with it.
    return copy.deepcopy(_checked_default())


def _merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        below = merged.get(key)
        if key in _MERGED_BY_SUB_KEY and isinstance(below, Mapping):
            merged[key] = {**below, **value}
        else:
            merged[key] = value
    return merged


def _build(document: Mapping[str, Any], source: str) -> Policy:
    tags = document.get("tags") or {}
    required = tuple(
        _requirement(key, constraint or {})
        for key, constraint in (tags.get("required") or {}).items()
    )
    models = document.get("models") or {}
    approved = {
        platform: tuple(settings["approved"])
        for platform, settings in models.items()
        if platform != "denied" and settings and settings.get("approved") is not None
    }
    enforcement = {
        rule: settings["enforcement"]
        for rule, settings in (document.get("rules") or {}).items()
        if settings and "enforcement" in settings
    }
    return Policy(
        required_tags=required,
        model_tag=tags.get("model_tag", DEFAULT_MODEL_TAG),
        approved=approved,
        denied=tuple(models.get("denied") or ()),
        unknown=document.get("unknown", DEFAULT_UNKNOWN),
        enforcement=enforcement,
        source=source,
        from_stack_tags=bool(tags.get("from_stack_tags", False)),
        resource_types=tuple(
            user_entry(raw) for raw in document.get("resource_types") or ()
        ),
    )


def _requirement(key: str, constraint: Mapping[str, Any]) -> TagRequirement:
    pattern = constraint.get("pattern")
    allowed = constraint.get("allowed")
    return TagRequirement(
        key=key,
        pattern=regex.compile(pattern) if pattern is not None else None,
        allowed=tuple(allowed) if allowed is not None else None,
    )


def _document(policy: Policy, *, explicit_rules_only: bool) -> dict[str, Any]:
    required: dict[str, dict[str, Any]] = {}
    for requirement in policy.required_tags:
        constraint: dict[str, Any] = {}
        if requirement.pattern is not None:
            constraint["pattern"] = requirement.pattern.pattern
        if requirement.allowed is not None:
            constraint["allowed"] = list(requirement.allowed)
        required[requirement.key] = constraint

    models: dict[str, Any] = {
        platform: {"approved": list(patterns)}
        for platform, patterns in policy.approved.items()
    }
    models["denied"] = list(policy.denied)

    rules = list(policy.enforcement)
    if not explicit_rules_only:
        rules = [*BUILT_RULES, *(rule for rule in rules if rule not in BUILT_RULES)]
    return {
        "version": 1,
        "tags": {
            "required": required,
            "model_tag": policy.model_tag,
            **({"from_stack_tags": True} if policy.from_stack_tags else {}),
        },
        "models": models,
        "unknown": policy.unknown,
        "rules": {rule: {"enforcement": policy.enforcement_of(rule)} for rule in rules},
        **(
            {"resource_types": [user_entry_document(e) for e in policy.resource_types]}
            if policy.resource_types
            else {}
        ),
    }
