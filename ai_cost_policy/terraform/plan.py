"""Terraform plan JSON (``terraform show -json``) turned into AI resources.

The plan is read directly rather than through Checkov's plan parser, because that
parser drops exactly what the rules need: when one tag value is unknown,
``tags_all`` disappears and the unknown key vanishes from ``tags`` without a trace,
and provider ``default_tags`` (a block) never reach the provider conf. Here every
value comes from ``resource_changes[].change`` with its ``after_unknown`` and
``after_sensitive`` marks, and provider defaults from ``configuration``.

Sensitive values are only ever flagged, never copied into an :class:`Unknown`'s
expression or a message; expressions quote references (``var.x``), not values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_cost_policy.catalog import CatalogEntry, load_catalog
from ai_cost_policy.resource import AIResource, ModelSlot, Tag, TagSet
from ai_cost_policy.values import ABSENT, Known, Unknown, Value

ENGINE = "terraform_plan"
AFTER_APPLY = "known only after apply"
SUPPORTED_FORMAT_MAJOR = "1"

# Creates, in-place updates and both orders of replacement produce the object that
# will exist after apply. Deletes, reads (data sources), no-ops and forgets do not
# create or change anything that could carry cost.
JUDGED_ACTIONS = {
    ("create",),
    ("update",),
    ("delete", "create"),
    ("create", "delete"),
}

# Where each provider family keeps its default tags in `configuration`: the block
# name and the attribute inside it.
DEFAULT_TAGS_BLOCKS = {"aws": ("default_tags", "tags")}

SOURCE_RESOURCE_TAGS = "tags in plan"
SOURCE_MERGED_TAGS = "tags_all in plan (provider default_tags merged)"
SOURCE_PROVIDER_DEFAULTS = "provider default_tags in plan configuration"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_MODULE_STEP = re.compile(r'module\.([^.\[]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?')


class PlanError(Exception):
    """A plan file that cannot be read: unreadable, invalid or unsupported JSON."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass(frozen=True)
class PlanDocument:
    """A loaded plan and, for each ``resource_changes`` entry, the line it starts on.

    ``change_lines`` runs parallel to ``data["resource_changes"]``; its entries are
    None when the JSON sits on one line (raw ``terraform show -json`` output), where
    a line number would say nothing.
    """

    path: str
    data: Mapping[str, Any]
    change_lines: tuple[int | None, ...]

    @property
    def format_version(self) -> str:
        return str(self.data["format_version"])

    @property
    def resource_changes(self) -> list[Any]:
        changes = self.data.get("resource_changes")
        return changes if isinstance(changes, list) else []

    @property
    def configuration(self) -> Mapping[str, Any]:
        return _as_dict(self.data.get("configuration"))


def load_plan(path: str | Path) -> PlanDocument | None:
    """Read a plan JSON file; None when the file is JSON but not a Terraform plan."""
    file = str(path)
    text = _read_text(Path(path), file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(file, _decode_problem(text, error)) from None

    if not (
        isinstance(data, dict) and "format_version" in data and "planned_values" in data
    ):
        return None
    version = data["format_version"]
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_FORMAT_MAJOR:
        raise PlanError(
            file,
            f"unsupported plan format_version {version!r}; ai-cost-policy reads "
            f"plan JSON of format {SUPPORTED_FORMAT_MAJOR}.x",
        )
    changes = data.get("resource_changes", [])
    if not isinstance(changes, list):
        raise PlanError(file, "resource_changes is not a list; is the plan complete?")

    return PlanDocument(file, data, _change_lines(text, len(changes)))


def resources_from_plan(plan: PlanDocument, path_for_report: str) -> list[AIResource]:
    """The AI resources a plan creates, updates or replaces, in plan order."""
    catalog = load_catalog()
    resources: list[AIResource] = []
    for index, raw in enumerate(plan.resource_changes):
        change = _as_dict(raw)
        entry = catalog.by_terraform_type(str(change.get("type", "")))
        if entry is None or not _judged(change):
            continue
        view = _ChangeView.of(change, plan.configuration)
        tags, notes = _tag_set(entry, view)
        lines = plan.change_lines
        resources.append(
            AIResource(
                address=str(change.get("address", "")),
                entry=entry,
                engine=ENGINE,
                file=path_for_report,
                line=lines[index] if index < len(lines) else None,
                tags=tags,
                models=tuple(
                    _model_slot(location.terraform, view) for location in entry.models
                ),
                notes=notes,
            )
        )
    return resources


# --- reading the file --------------------------------------------------------------


def _read_text(path: Path, file: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanError(file, f"cannot read the file: {error.strerror}") from None
    # `terraform show -json > plan.json` in Windows PowerShell writes UTF-16 with a
    # byte order mark; json knows every encoding the JSON standard allows.
    try:
        return raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError:
        raise PlanError(file, "not JSON text (the file is not Unicode)") from None


def _decode_problem(text: str, error: json.JSONDecodeError) -> str:
    if not text.strip():
        return "the file is empty; make the plan with terraform show -json"
    where = f"line {error.lineno} column {error.colno}"
    if error.pos >= len(text.rstrip()):
        return f"the JSON ends early at {where} (truncated file?): {error.msg}"
    return f"invalid JSON at {where}: {error.msg}"


def _change_lines(text: str, count: int) -> tuple[int | None, ...]:
    """The 1-based line where each ``resource_changes`` entry opens.

    Walks the top-level object with the JSON decoder itself, so an address or a key
    name inside some string value can never be mistaken for the entry.
    """
    if "\n" not in text.strip():
        return (None,) * count
    offsets = _resource_change_offsets(text)
    if len(offsets) != count:
        return (None,) * count
    lines: list[int | None] = []
    line, previous = 1, 0
    for offset in offsets:
        line += text.count("\n", previous, offset)
        previous = offset
        lines.append(line)
    return tuple(lines)


def _resource_change_offsets(text: str) -> list[int]:
    decoder = json.JSONDecoder()
    pos = _skip(text, _skip(text, 0) + 1)  # past the opening brace
    while pos < len(text) and text[pos] != "}":
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, _skip(text, pos) + 1)  # past the colon
        if key == "resource_changes" and text.startswith("[", pos):
            return _array_item_offsets(text, pos, decoder)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
    return []


def _array_item_offsets(text: str, pos: int, decoder: json.JSONDecoder) -> list[int]:
    offsets: list[int] = []
    pos = _skip(text, pos + 1)  # past the opening bracket
    while pos < len(text) and text[pos] != "]":
        offsets.append(pos)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
    return offsets


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


# --- one resource change -------------------------------------------------------------


def _judged(change: Mapping[str, Any]) -> bool:
    # A deposed object is an old instance on its way out, whatever the action says.
    if change.get("mode", "managed") != "managed" or change.get("deposed"):
        return False
    actions = _as_dict(change.get("change")).get("actions") or ()
    return tuple(actions) in JUDGED_ACTIONS


@dataclass(frozen=True)
class _ChangeView:
    """The planned object with its marks, and its configuration if the plan has it."""

    after: Mapping[str, Any]
    unknown: Any
    sensitive: Any
    config: Mapping[str, Any] | None
    provider_key: str | None
    provider: Mapping[str, Any] | None

    @classmethod
    def of(
        cls, change: Mapping[str, Any], configuration: Mapping[str, Any]
    ) -> _ChangeView:
        body = _as_dict(change.get("change"))
        config = _config_resource(configuration, change)
        key = config.get("provider_config_key") if config else None
        providers = _as_dict(configuration.get("provider_config"))
        return cls(
            after=_as_dict(body.get("after")),
            unknown=body.get("after_unknown", False),
            sensitive=body.get("after_sensitive", False),
            config=config,
            provider_key=key if isinstance(key, str) else None,
            provider=providers.get(key) if isinstance(key, str) else None,
        )

    def references(self, attribute: str) -> list[str]:
        """What the attribute's expression refers to, most specific first."""
        expressions = _as_dict((self.config or {}).get("expressions"))
        return _specific(_as_dict(expressions.get(attribute)).get("references"))


def _config_resource(
    configuration: Mapping[str, Any], change: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The resource's block in ``configuration``, found through its module calls."""
    module = _as_dict(configuration.get("root_module"))
    for name in _MODULE_STEP.findall(str(change.get("module_address") or "")):
        call = _as_dict(_as_dict(module.get("module_calls")).get(name))
        module = _as_dict(call.get("module"))
    for resource in module.get("resources") or ():
        if (
            isinstance(resource, dict)
            and resource.get("type") == change.get("type")
            and resource.get("name") == change.get("name")
            and resource.get("mode", "managed") == change.get("mode", "managed")
        ):
            return resource
    return None


# --- tags ----------------------------------------------------------------------------


def _tag_set(
    entry: CatalogEntry, view: _ChangeView
) -> tuple[TagSet | None, tuple[str, ...]]:
    if entry.tags is None:
        return None, ()
    effective, own = entry.tags.plan, entry.tags.terraform
    defaults = _provider_default_tags(entry, view)
    merged = view.after.get(effective)
    if _mark(view.unknown, effective) is not True and isinstance(merged, dict):
        return _planned_tags(effective, own, merged, defaults, view), ()

    # The merged map is known only after apply (one value somewhere is unknown), so
    # rebuild it as the provider does: default tags, overridden by resource tags.
    tags = {
        key: Tag(key, Known(value), SOURCE_PROVIDER_DEFAULTS)
        for key, value in defaults.values.items()
        if value is not None
    }
    hidden = [defaults.hidden] if defaults.hidden else []
    if _mark(view.unknown, own) is True:
        hidden.append(Unknown(_expression(own, view), AFTER_APPLY))
    else:
        tags.update(
            _tags_from_map(
                _as_dict(view.after.get(own)),
                unknown=_mark(view.unknown, own),
                sensitive=(_mark(view.sensitive, own),),
                attribute=own,
                source=lambda key: SOURCE_RESOURCE_TAGS,
            )
        )
    why = AFTER_APPLY if _mark(view.unknown, effective) is True else "not in the plan"
    note = (
        f"{effective} is {why}; effective tags were rebuilt from {own} and the "
        "provider's default_tags"
    )
    return TagSet(tags, tuple(hidden), own), (note,)


def _planned_tags(
    effective: str,
    own: str,
    merged: Mapping[str, Any],
    defaults: _ProviderDefaults,
    view: _ChangeView,
) -> TagSet:
    own_keys = set(_map_keys(view.after.get(own), _mark(view.unknown, own)))
    tags = _tags_from_map(
        merged,
        unknown=_mark(view.unknown, effective),
        sensitive=(_mark(view.sensitive, effective), _mark(view.sensitive, own)),
        attribute=effective,
        source=lambda key: (
            SOURCE_RESOURCE_TAGS if key in own_keys else SOURCE_MERGED_TAGS
        ),
    )
    # When default_tags hold a value known only after apply, the AWS provider plans
    # a known tags_all *without any* default tag, so a default key that is missing
    # here may still be set. Default tags written with references and no key beyond
    # the resource's own tags in tags_all is that case, or defaults that are empty.
    hidden: tuple[Unknown, ...] = ()
    if defaults.by_reference and defaults.hidden and not set(merged) - own_keys:
        hidden = (
            Unknown(
                defaults.hidden.expression,
                f"{effective} in the plan leaves default tags out when they are "
                f"{AFTER_APPLY}",
            ),
        )
    return TagSet(tags, hidden, effective)


def _tags_from_map(
    values: Mapping[str, Any],
    unknown: Any,
    sensitive: tuple[Any, ...],
    attribute: str,
    source: Callable[[str], str],
) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for key in _map_keys(values, unknown):
        value: Known | Unknown
        if _mark(unknown, key) is True:
            value = Unknown(f'{attribute}["{key}"]', AFTER_APPLY)
        elif values.get(key) is None:
            # The AWS provider drops a tag whose value is null: it is not set.
            continue
        else:
            value = Known(values[key])
        marked = any(_mark(marks, key) is True for marks in sensitive)
        tags[key] = Tag(key, value, source(key), sensitive=marked)
    return tags


def _map_keys(values: Any, unknown: Any) -> list[str]:
    """Keys of a planned map: unknown values are left out of ``after`` but marked."""
    keys = list(values) if isinstance(values, dict) else []
    if isinstance(unknown, dict):
        keys += [key for key, mark in unknown.items() if mark is True]
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class _ProviderDefaults:
    """The provider's default tags as far as the plan's configuration shows them."""

    values: Mapping[str, Any]
    hidden: Unknown | None = None
    # Written with references: the plan shows those, never the keys or values.
    by_reference: bool = False


def _provider_default_tags(entry: CatalogEntry, view: _ChangeView) -> _ProviderDefaults:
    family = entry.tags.provider_defaults if entry.tags else None
    if family is None:
        return _ProviderDefaults({})
    if family not in DEFAULT_TAGS_BLOCKS:
        return _ProviderDefaults(
            {}, Unknown(f"default tags of the {family} provider", "not read from plans")
        )
    if view.config is None:
        return _ProviderDefaults(
            {},
            Unknown(
                "provider default_tags",
                "the plan's configuration does not show the resource's provider",
            ),
        )
    if view.provider is None:
        # A provider used without a provider block has no configuration entry, and
        # so no default tags.
        return _ProviderDefaults({})

    block_name, attribute = DEFAULT_TAGS_BLOCKS[family]
    blocks = _as_dict(view.provider.get("expressions")).get(block_name)
    if not isinstance(blocks, list) or not blocks:
        return _ProviderDefaults({})
    expression = _as_dict(_as_dict(blocks[0]).get(attribute))
    constant = expression.get("constant_value")
    if not expression or isinstance(constant, dict):
        return _ProviderDefaults(constant or {})

    references = _specific(expression.get("references"))
    shown = f" from {', '.join(references)}" if references else ""
    return _ProviderDefaults(
        {},
        Unknown(
            f"{block_name} of provider {view.provider_key}{shown}",
            "the plan shows its references, not its keys",
        ),
        by_reference=True,
    )


# --- models --------------------------------------------------------------------------


def _model_slot(attribute: str, view: _ChangeView) -> ModelSlot:
    sensitive = _mark(view.sensitive, attribute) is True
    written: Value
    if _mark(view.unknown, attribute) is True:
        written = Unknown(_expression(attribute, view), AFTER_APPLY)
    elif view.after.get(attribute) is None:
        written = ABSENT
    else:
        written = Known(view.after[attribute])
    return ModelSlot(attribute, written, sensitive=sensitive)


def _expression(attribute: str, view: _ChangeView) -> str:
    """How the configuration wrote an attribute: its references, never a value."""
    references = view.references(attribute)
    if not references:
        return attribute
    if len(references) == 1:
        return references[0]
    return f"{attribute} from {', '.join(references)}"


# --- helpers -------------------------------------------------------------------------


def _mark(marks: Any, key: str) -> Any:
    """The ``after_unknown``/``after_sensitive`` mark below ``key``.

    ``True`` on a whole object marks everything inside it.
    """
    if marks is True:
        return True
    if isinstance(marks, dict):
        return marks.get(key, False)
    return False


def _specific(references: Any) -> list[str]:
    """References without the enclosing objects Terraform lists beside them.

    ``terraform_data.x.id`` comes with ``terraform_data.x``; only the first says
    which value is meant.
    """
    if not isinstance(references, list):
        return []
    names = [str(name) for name in references]
    return [
        name
        for name in names
        if not any(
            other != name and other.startswith((name + ".", name + "["))
            for other in names
        )
    ]


def _as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
