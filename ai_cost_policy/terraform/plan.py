"""Terraform plan JSON (``terraform show -json``) turned into AI resources.

The plan is read directly rather than through Checkov's plan parser, because that
parser drops exactly what the rules need: when one tag value is unknown,
``tags_all`` disappears and the unknown key vanishes from ``tags`` without a trace,
and provider ``default_tags`` (a block) never reach the provider conf. Here every
value comes from ``resource_changes[].change`` with its ``after_unknown`` and
``after_sensitive`` marks, and provider defaults and references from
``configuration``.

The catalog says where each type keeps its models and tags; the semantics are the
HCL resolver's (``terraform/resources.py``): AWS ``default_tags`` and Google
``default_labels`` merge under the resource's own, azapi ``default_tags`` apply only
to a resource that sets no tags at all, azurerm has no defaults. A model written as
a reference to another resource in the plan, and the parent that carries the cost
of an untaggable resource, are followed by :func:`ai_cost_policy.linking.link`.

Sensitive values are only ever flagged, never copied into an :class:`Unknown`'s
expression or a message; expressions quote references (``var.x``), not values.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_cost_policy.attribute_paths import Found, parse, walk
from ai_cost_policy.catalog import (
    Catalog,
    CatalogEntry,
    ModelLocation,
    TagLocation,
    load_catalog,
)
from ai_cost_policy.linking import link
from ai_cost_policy.resource import AIResource, ModelSlot, Tag, TagSet
from ai_cost_policy.values import Known, Unknown

ENGINE = "terraform_plan"
AFTER_APPLY = "known only after apply"
SUPPORTED_FORMAT_MAJOR = "1"

# Plans of large repositories run to 100 MB and more; JSON parses in linear time
# (about 0.1 s per MiB) but Python's objects take several times the text in memory,
# so the limit keeps the worst case to seconds and about a gigabyte, not a hang or
# an out-of-memory kill.
MAX_PLAN_BYTES = 256 * 1024 * 1024
# Real plans nest a few dozen levels at most (modules add four each). The walks
# over a loaded plan recurse, up to two frames per level: this depth keeps them far
# inside Python's recursion limit (1,000 frames), even called from Checkov.
MAX_PLAN_DEPTH = 256

# A plan describes the whole desired state: every object that will exist after
# apply is judged, whether the apply creates, updates, replaces or leaves it alone.
# An unchanged endpoint without its cost tags fails the gate as it does in a scan of
# the code, and Checkov, which reads planned_values, sees it too. Deletes, reads
# (data sources) and forgets leave nothing behind that this plan manages.
JUDGED_ACTIONS = {
    ("create",),
    ("update",),
    ("no-op",),
    ("delete", "create"),
    ("create", "delete"),
}

# Where each provider family keeps its default tags in `configuration`: the
# argument, and for a block (AWS `default_tags { tags = ... }`) the attribute in it.
DEFAULT_TAGS = {
    "aws": ("default_tags", "tags"),
    "google": ("default_labels", None),
    "azapi": ("default_tags", None),
}

# Google adds its own labels (`goog-terraform-provisioned`) to terraform_labels;
# they say nothing about whether the provider's default labels were merged.
GOOGLE_SYSTEM_LABELS = "goog-"

AZURE_MODEL_PARTS = ("name", "version", "format")

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_MODULE_STEP = re.compile(r'module\.([^.\[]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?')
# `aws_x.y.arn`, `aws_x.y["eu"].arn`, `aws_x.y[0]`: a managed resource, with its
# instance key when the reference names one. `var.`, `local.`, `module.`, `data.`,
# `each.` and `count.` have no underscore before their first dot.
_RESOURCE_REFERENCE = re.compile(
    r"^(?P<resource>[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][\w-]*)"
    r'(?P<key>\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?(?:[.\[]|$)'
)


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
    except RecursionError:
        # The decoder itself gives up near 1,000 levels.
        raise PlanError(file, _TOO_DEEP) from None
    except ValueError:
        # Python reads no integer of over 4,300 digits (a guard against slow
        # conversions); no real plan holds one.
        raise PlanError(
            file, "holds a number of more than 4,300 digits, too long to read"
        ) from None
    if _nested_deeper_than(data, MAX_PLAN_DEPTH):
        raise PlanError(file, _TOO_DEEP)

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


def resources_from_plan(
    plan: PlanDocument, path_for_report: str, catalog: Catalog | None = None
) -> list[AIResource]:
    """The AI resources the plan leaves in place after apply, in plan order.

    References between them are followed within the plan: an agent invoking a
    profile the same plan creates runs the profile's model, and an account carries
    the cost (and the model tag) of the deployments that cannot be tagged.
    """
    catalog = catalog or load_catalog()
    instances = _instances(plan.resource_changes)
    resources: list[AIResource] = []
    for index, raw in enumerate(plan.resource_changes):
        _check_change(plan.path, index, raw)
        change = _as_dict(raw)
        if not _judged(change):
            continue
        view = _ChangeView.of(change, plan.configuration, instances)
        entry = catalog.entry_for(str(change.get("type", "")), view.after)
        if entry is None:
            continue
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
                models=_model_slots(entry, view),
                notes=notes,
                parent_reference=_parent_reference(entry, tags, view),
                cost_attributes=_cost_attributes(entry, view),
            )
        )
    return link(resources)


def _cost_attributes(entry: CatalogEntry, view: _ChangeView) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in entry.cost_attributes:
        for item in view.walk(path):
            if item.sensitive:
                found[item.path] = "(sensitive value)"
            elif item.unknown:
                found[item.path] = Unknown(item.path, AFTER_APPLY)
            else:
                found[item.path] = item.value
    return found


# --- reading the file --------------------------------------------------------------


_TOO_DEEP = f"the JSON is nested too deeply (more than {MAX_PLAN_DEPTH} levels)"


def _read_text(path: Path, file: str) -> str:
    try:
        with path.open("rb") as handle:
            # The size on disk refuses a huge file without reading it; the capped
            # read covers what has no size (a pipe) or grows while being read.
            too_large = os.fstat(handle.fileno()).st_size > MAX_PLAN_BYTES
            raw = b"" if too_large else handle.read(MAX_PLAN_BYTES + 1)
    except OSError as error:
        raise PlanError(file, f"cannot read the file: {error.strerror}") from None
    if too_large or len(raw) > MAX_PLAN_BYTES:
        raise PlanError(
            file,
            f"the file is larger than {MAX_PLAN_BYTES // 1024 // 1024} MiB, "
            "the limit for plan JSON",
        )
    # `terraform show -json > plan.json` in Windows PowerShell writes UTF-16 with a
    # byte order mark; json knows every encoding the JSON standard allows.
    try:
        return raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError:
        raise PlanError(file, "not JSON text (the file is not Unicode)") from None


def _nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether any object or array lies more than ``limit`` levels down.

    Level by level, without recursion, so that the check itself cannot overflow.
    """
    level = [data] if isinstance(data, (dict, list)) else []
    depth = 1
    while level:
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (dict, list))
        ]
        if level and depth >= limit:
            return True
        depth += 1
    return False


def _decode_problem(text: str, error: json.JSONDecodeError) -> str:
    if not text.strip():
        return "the file is empty; make the plan with terraform show -json"
    where = f"line {error.lineno} column {error.colno}"
    # Cut inside a string, the decoder points at the string's start, not the end.
    unterminated = error.msg.startswith("Unterminated string")
    if error.pos >= len(text.rstrip()) or unterminated:
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


def _check_change(file: str, index: int, raw: Any) -> None:
    """A malformed entry is an error: skipping it would pass what it hides."""
    where = f"resource_changes[{index}]"
    if not isinstance(raw, dict):
        raise PlanError(file, f"{where} is not an object")
    change = raw.get("change")
    if not isinstance(change, dict):
        raise PlanError(file, f"{where}.change is not an object")
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise PlanError(file, f"{where}.change.actions is not a list of actions")


def _judged(change: Mapping[str, Any]) -> bool:
    # A deposed object is an old instance on its way out, whatever the action says.
    if change.get("mode", "managed") != "managed" or change.get("deposed"):
        return False
    actions = _as_dict(change.get("change")).get("actions")
    return isinstance(actions, list) and tuple(map(str, actions)) in JUDGED_ACTIONS


def _split_instance_key(change: Mapping[str, Any]) -> tuple[str, str]:
    """The resource's address without its instance key, and the key as written.

    ``module.ai["eu"].aws_x.p["a"]`` gives ``module.ai["eu"].aws_x.p`` and
    ``["a"]``; a resource without ``count`` or ``for_each`` has the key ``""``.
    """
    address = str(change.get("address", ""))
    module = change.get("module_address")
    base = f"{module}." if isinstance(module, str) and module else ""
    base += f"{change.get('type')}.{change.get('name')}"
    key = address[len(base) :]
    if address.startswith(base) and key.startswith("["):
        return base, key
    return address, ""


def _instances(changes: list[Any]) -> dict[str, tuple[str, ...]]:
    """The instances left after apply of each resource, by its address without key."""
    found: dict[str, list[str]] = {}
    for raw in changes:
        change = _as_dict(raw)
        if _judged(change):
            base, _ = _split_instance_key(change)
            found.setdefault(base, []).append(str(change.get("address", "")))
    return {base: tuple(addresses) for base, addresses in found.items()}


@dataclass(frozen=True)
class _ChangeView:
    """The planned object with its marks, and its configuration if the plan has it.

    ``document`` is ``after`` with an :class:`Unknown` wherever ``after_unknown``
    marks a value: Terraform leaves unknown attributes out of ``after`` (and writes
    null for an unknown list element), so a catalog path must meet the mark there.
    """

    after: Mapping[str, Any]
    document: Mapping[str, Any]
    unknown: Any
    sensitive: Any
    config: Mapping[str, Any] | None
    provider_key: str | None
    provider: Mapping[str, Any] | None
    # The module instance the resource lives in (`module.ai["eu"].`): references in
    # its configuration name resources of the same module instance.
    prefix: str
    # This instance's key (`["a"]`, `[0]`, or ""), and every resource's instances
    # in the plan, for references whose key is an expression (`p[each.key]`).
    instance_key: str
    instances: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(
        cls,
        change: Mapping[str, Any],
        configuration: Mapping[str, Any],
        instances: Mapping[str, tuple[str, ...]],
    ) -> _ChangeView:
        body = _as_dict(change.get("change"))
        after = _as_dict(body.get("after"))
        unknown = body.get("after_unknown", False)
        config = _config_resource(configuration, change)
        key = config.get("provider_config_key") if config else None
        key = key if isinstance(key, str) else None
        providers = _as_dict(configuration.get("provider_config"))
        module = change.get("module_address")
        return cls(
            after=after,
            document=_with_unknowns(after, unknown, ""),
            unknown=unknown,
            sensitive=body.get("after_sensitive", False),
            config=config,
            provider_key=key,
            provider=_as_dict(providers[key]) if key in providers else None,
            prefix=f"{module}." if isinstance(module, str) and module else "",
            instance_key=_split_instance_key(change)[1],
            instances=instances,
        )

    def walk(self, path: str) -> list[Found]:
        if self.unknown is True:
            # The whole object is known only after apply: so is every path in it.
            return [Found(path, Unknown(path, AFTER_APPLY), unknown=True)]
        return list(
            walk(
                self.document,
                path,
                unknown=self.unknown,
                sensitive=self.sensitive,
                is_unknown=_is_unknown,
            )
        )

    def references(self, path: str) -> tuple[list[str], bool]:
        """What the expression that wrote ``path`` refers to, most specific first.

        Also whether that expression wrote exactly this value, rather than an
        attribute around it (``body = {...}`` for ``body.properties.model``), whose
        references may well be about something else.
        """
        try:
            segments = parse(path)
        except ValueError:
            return [], False
        node: Any = _as_dict((self.config or {}).get("expressions"))
        exact = True
        for segment in segments:
            if _is_expression(node):
                exact = False
                break
            node = _as_dict(node).get(segment.name)
            if isinstance(segment.index, int):
                if isinstance(node, list):
                    position = segment.index
                    node = node[position] if position < len(node) else None
                else:
                    exact = False
        if not _is_expression(node):
            return [], False
        return _specific(node.get("references")), exact

    def referenced_resource(self, path: str) -> str | None:
        """The address of the resource the expression of ``path`` refers to."""
        references, exact = self.references(path)
        if not exact:
            return None
        for reference in references:
            match = _RESOURCE_REFERENCE.match(reference)
            if not match:
                continue
            resource = f"{self.prefix}{match['resource']}"
            if match["key"]:
                return f"{resource}{match['key']}"
            return self._instance_of(resource, references)
        return None

    def _instance_of(self, resource: str, references: list[str]) -> str | None:
        """The instance a reference without a literal key names, when it can be told.

        Terraform records ``p[each.key].arn`` as ``p`` and ``each.key``: the key is
        an expression. ``for_each`` over the same keys (or ``count`` over the same
        indexes) is the common pattern, so the instance with this one's key is
        meant; a resource with a single instance can only mean that one. Anything
        else is left unresolved, and the model stays unknown.
        """
        instances = self.instances.get(resource, ())
        if not instances or resource in instances:
            # Not in the plan, or a resource without count or for_each.
            return resource
        own_key = {"each.key", "count.index"} & set(references)
        if own_key and f"{resource}{self.instance_key}" in instances:
            return f"{resource}{self.instance_key}"
        if len(instances) == 1:
            return instances[0]
        return None


def _with_unknowns(value: Any, marks: Any, where: str) -> Any:
    if marks is True:
        return Unknown(where, AFTER_APPLY)
    if isinstance(marks, dict) and isinstance(value, dict):
        filled = dict(value)
        for key, mark in marks.items():
            if key in filled or mark is True:
                inner = f"{where}.{key}" if where else str(key)
                filled[key] = _with_unknowns(filled.get(key), mark, inner)
        return filled
    if isinstance(marks, list) and isinstance(value, list):
        return [
            _with_unknowns(item, marks[i] if i < len(marks) else False, f"{where}[{i}]")
            for i, item in enumerate(value)
        ]
    return value


def _is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def _is_expression(node: Any) -> bool:
    """An expression in ``configuration`` (rather than a block of them)."""
    return (
        isinstance(node, dict)
        and bool(node)
        and set(node) <= {"constant_value", "references"}
        and ("constant_value" in node or isinstance(node.get("references"), list))
    )


def _config_resource(
    configuration: Mapping[str, Any], change: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The resource's block in ``configuration``, found through its module calls."""
    module = _as_dict(configuration.get("root_module"))
    for name in _MODULE_STEP.findall(str(change.get("module_address") or "")):
        call = _as_dict(_as_dict(module.get("module_calls")).get(name))
        module = _as_dict(call.get("module"))
    resources = module.get("resources")
    for resource in resources if isinstance(resources, list) else ():
        if (
            isinstance(resource, dict)
            and resource.get("type") == change.get("type")
            and resource.get("name") == change.get("name")
            and resource.get("mode", "managed") == change.get("mode", "managed")
        ):
            return resource
    return None


def _expression(path: str, view: _ChangeView) -> str:
    """How the configuration wrote a value: its references, never a value."""
    references, exact = view.references(path)
    if not references:
        return path
    if exact and len(references) == 1:
        return references[0]
    return f"{path} from {', '.join(references)}"


# --- tags ----------------------------------------------------------------------------


def _tag_set(
    entry: CatalogEntry, view: _ChangeView
) -> tuple[TagSet | None, tuple[str, ...]]:
    location = entry.tags
    if location is None or not entry.carries_tags(entry.api_version(view.after)):
        return None, ()
    defaults = _provider_default_tags(entry, view)
    if location.provider_defaults == "azapi":
        return _azapi_tags(location, defaults, view), ()

    effective, own = location.plan, location.terraform
    merged = view.after.get(effective)
    if _mark(view.unknown, effective) is not True and isinstance(merged, dict):
        return _planned_tags(location, merged, defaults, view), ()

    # The merged map is known only after apply (one value somewhere is unknown), so
    # rebuild it as the provider does: default tags, overridden by resource tags.
    tags = _rebuilt_tags(location, defaults, view)
    if effective == own:
        return tags, ()
    why = AFTER_APPLY if _mark(view.unknown, effective) is True else "not in the plan"
    note = (
        f"{effective} is {why}; effective {_noun(location)} were rebuilt from {own} "
        f"and the provider's {defaults.name}"
    )
    return tags, (note,)


def _noun(location: TagLocation) -> str:
    return "labels" if location.labels else "tags"


def _own_source(attribute: str) -> str:
    return f"{attribute} in plan"


def _planned_tags(
    location: TagLocation,
    merged: Mapping[str, Any],
    defaults: _ProviderDefaults,
    view: _ChangeView,
) -> TagSet:
    effective, own = location.plan, location.terraform
    own_keys = set(_map_keys(view.after.get(own), _mark(view.unknown, own)))
    merged_source = f"{effective} in plan (provider {defaults.name} merged)"
    tags = _tags_from_map(
        merged,
        unknown=_mark(view.unknown, effective),
        sensitive=(_mark(view.sensitive, effective), _mark(view.sensitive, own)),
        attribute=effective,
        source=lambda key: _own_source(own) if key in own_keys else merged_source,
    )
    # When default tags hold a value known only after apply, the AWS provider plans
    # a known tags_all *without any* default tag, so a default key that is missing
    # here may still be set. Default tags written with references and no key beyond
    # the resource's own is that case, or defaults that are empty. Google merges
    # default_labels in the same place; its terraform_labels are read alike, which
    # at worst turns a missing label into a warning.
    extra = {
        key
        for key in merged
        if key not in own_keys
        and not (location.labels and key.startswith(GOOGLE_SYSTEM_LABELS))
    }
    hidden: tuple[Unknown, ...] = ()
    if defaults.by_reference and defaults.hidden and not extra:
        hidden = (
            Unknown(
                defaults.hidden.expression,
                f"{effective} in the plan leaves default {_noun(location)} out "
                f"when they are {AFTER_APPLY}",
            ),
        )
    return TagSet(tags, hidden, effective, labels=location.labels)


def _rebuilt_tags(
    location: TagLocation, defaults: _ProviderDefaults, view: _ChangeView
) -> TagSet:
    own = location.terraform
    tags = {
        key: Tag(key, Known(value), defaults.source)
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
                source=lambda key: _own_source(own),
            )
        )
    attribute = f"{own} + provider {defaults.name}" if defaults.configured else own
    return TagSet(tags, tuple(hidden), attribute, labels=location.labels)


def _azapi_tags(
    location: TagLocation, defaults: _ProviderDefaults, view: _ChangeView
) -> TagSet:
    """azapi plans the tags it will send in ``tags``, without merging anything.

    They are the resource's ``tags``, else ``body.tags``, else the provider's
    ``default_tags``. When they are unknown (a body known only after apply), the
    same order is followed through what the plan does show.
    """
    attribute = location.plan
    # Without configuration, whether the resource wrote its tags cannot be told;
    # reading them as its own is the reading that claims nothing about defaults.
    expression = _as_dict((view.config or {}).get("expressions")).get(attribute)
    # `tags = null` is no tags of its own: azapi then looks further.
    written = view.config is None or (
        expression is not None
        and _as_dict(expression).get("constant_value", {}) is not None
    )
    body = view.walk(location.body)[:1] if location.body else []

    mark = _mark(view.unknown, attribute)
    if mark is not True:
        read, source = attribute, _own_source(attribute)
        if not written and body:
            read, source = body[0].path, _own_source(body[0].path)
        elif not written and defaults.values:
            read = f"{attribute} (provider {defaults.name})"
            source = defaults.source
        tags = _tags_from_map(
            _as_dict(view.after.get(attribute)),
            unknown=mark,
            sensitive=(_mark(view.sensitive, attribute),),
            attribute=attribute,
            source=lambda key: source,
        )
        return TagSet(tags, (), read, labels=location.labels)

    if written:
        unknown = Unknown(_expression(attribute, view), AFTER_APPLY)
        return TagSet({}, (unknown,), attribute, labels=location.labels)
    if body:
        found = body[0]
        if found.unknown or not isinstance(found.value, dict):
            unknown = Unknown(_expression(found.path, view), AFTER_APPLY)
            return TagSet({}, (unknown,), found.path, labels=location.labels)
        tags = _tags_from_map(
            found.value,
            unknown=None,
            sensitive=(found.sensitive,),
            attribute=found.path,
            source=lambda key: _own_source(found.path),
        )
        return TagSet(tags, (), found.path, labels=location.labels)
    tags = {
        key: Tag(key, Known(value), defaults.source)
        for key, value in defaults.values.items()
        if value is not None
    }
    hidden = (defaults.hidden,) if defaults.hidden else ()
    return TagSet(tags, hidden, f"provider {defaults.name}", labels=location.labels)


def _tags_from_map(
    values: Mapping[str, Any],
    unknown: Any,
    sensitive: tuple[Any, ...],
    attribute: str,
    source: Callable[[str], str],
) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    # A map sensitive as a whole hides its keys too, as Terraform's own plan does.
    secret_keys = any(marks is True for marks in sensitive)
    for key in _map_keys(values, unknown):
        value: Known | Unknown
        if _mark(unknown, key) is True or isinstance(values.get(key), Unknown):
            where = attribute if secret_keys else f'{attribute}["{key}"]'
            value = Unknown(where, AFTER_APPLY)
        elif values.get(key) is None:
            # The provider drops a tag whose value is null: it is not set.
            continue
        else:
            value = Known(values[key])
        marked = any(_mark(marks, key) is True for marks in sensitive)
        tags[key] = Tag(
            key, value, source(key), sensitive=marked, key_sensitive=secret_keys
        )
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
    # The argument they are written in: default_tags, default_labels.
    name: str = "default_tags"

    @property
    def configured(self) -> bool:
        return bool(self.values) or self.hidden is not None

    @property
    def source(self) -> str:
        return f"provider {self.name} in plan configuration"


def _provider_default_tags(entry: CatalogEntry, view: _ChangeView) -> _ProviderDefaults:
    family = entry.tags.provider_defaults if entry.tags else None
    if family is None:
        return _ProviderDefaults({})
    if family not in DEFAULT_TAGS:
        return _ProviderDefaults(
            {}, Unknown(f"default tags of the {family} provider", "not read from plans")
        )
    name, inner = DEFAULT_TAGS[family]
    if view.config is None:
        return _ProviderDefaults(
            {},
            Unknown(
                f"provider {name}",
                "the plan's configuration does not show the resource's provider",
            ),
            name=name,
        )
    if view.provider is None:
        # A provider used without a provider block has no configuration entry, and
        # so no default tags.
        return _ProviderDefaults({}, name=name)

    node = _as_dict(view.provider.get("expressions")).get(name)
    if inner is not None:
        if not isinstance(node, list) or not node:
            return _ProviderDefaults({}, name=name)
        node = _as_dict(node[0]).get(inner)
    expression = _as_dict(node)
    if not expression or "constant_value" in expression:
        constant = expression.get("constant_value")
        return _ProviderDefaults(
            constant if isinstance(constant, dict) else {}, name=name
        )

    references = _specific(expression.get("references"))
    shown = f" from {', '.join(references)}" if references else ""
    return _ProviderDefaults(
        {},
        Unknown(
            f"{name} of provider {view.provider_key}{shown}",
            "the plan shows its references, not its keys",
        ),
        by_reference=True,
        name=name,
    )


# --- models and cost parents ---------------------------------------------------------


def _model_slots(entry: CatalogEntry, view: _ChangeView) -> tuple[ModelSlot, ...]:
    slots: list[ModelSlot] = []
    for location in entry.models:
        for found in view.walk(location.terraform):
            written = _written(found, location, view)
            # A value the plan knows is the model; a reference is followed only
            # when the value is not known yet (an ARN of a resource this plan
            # creates), or when the value is by nature a name of another resource.
            follows = isinstance(written, Unknown) or location.form == "reference"
            slots.append(
                ModelSlot(
                    attribute=found.path,
                    written=written,
                    sensitive=_sensitive(found, location, view),
                    platform=location.platform or entry.platform,
                    form=location.form,
                    reference=view.referenced_resource(found.path) if follows else None,
                )
            )
    return tuple(slots)


def _written(
    found: Found, location: ModelLocation, view: _ChangeView
) -> Known | Unknown:
    if found.unknown:
        return Unknown(_expression(found.path, view), AFTER_APPLY)
    value = found.value
    if location.form == "azure_parts" and isinstance(value, dict):
        for part in AZURE_MODEL_PARTS:
            if isinstance(value.get(part), Unknown):
                return Unknown(_expression(f"{found.path}.{part}", view), AFTER_APPLY)
        # Other parts known only after apply (publisher, source) are left out.
        return Known({k: v for k, v in value.items() if not isinstance(v, Unknown)})
    if isinstance(value, (dict, list)):
        return Unknown(found.path, "the value is not a model ID")
    return Known(value)


def _sensitive(found: Found, location: ModelLocation, view: _ChangeView) -> bool:
    if found.sensitive or location.form != "azure_parts":
        return found.sensitive
    return any(
        part.sensitive
        for name in AZURE_MODEL_PARTS
        for part in view.walk(f"{found.path}.{name}")
    )


def _parent_reference(
    entry: CatalogEntry, tags: TagSet | None, view: _ChangeView
) -> str | None:
    """The resource that carries the cost of one that cannot carry tags itself."""
    parent = entry.cost_parent
    if tags is not None or parent is None or not parent.terraform:
        return None
    return view.referenced_resource(parent.terraform)


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
