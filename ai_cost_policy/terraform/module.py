"""Resolve a Terraform root module into AI resources with effective tags and models.

Follows what Terraform itself would do with the code alone: variables from defaults,
``terraform.tfvars``, ``*.auto.tfvars`` (and their ``.json`` forms), then
``--var-file`` and ``--var`` in command-line order; locals; ``*_override.tf`` files
merged into the blocks they override; provider defaults per provider configuration,
aliases included; local child modules with their inputs, ``providers`` mapping,
``count`` and ``for_each``; resource ``count`` and ``for_each`` instances. What the
code cannot tell is kept as unknown, and what Terraform itself would reject (a
module cycle, a negative count, a local module that is not there) is an error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_cost_policy.catalog import Catalog, load_catalog
from ai_cost_policy.linking import link
from ai_cost_policy.resource import AIResource
from ai_cost_policy.terraform.expressions import PartialMap, Scope, evaluate
from ai_cost_policy.terraform.hcl import (
    Block,
    HclError,
    ParsedFile,
    parse_expression,
    parse_file,
    read_text,
)
from ai_cost_policy.terraform.marks import marked, redacted
from ai_cost_policy.terraform.resources import (
    ProviderDefaults,
    build,
    document,
    provider_defaults,
)
from ai_cost_policy.values import Unknown

SKIPPED_DIRECTORIES = {".terraform", ".git"}
MAX_MODULE_DEPTH = 16
MAX_INSTANCES = 10_000


def walk_tree(
    root: Path | str, onerror: Callable[[OSError], None] | None = None
) -> Iterator[tuple[Path, list[str], list[str]]]:
    """``os.walk`` as every scan of a tree does it: (folder, linked folders, files).

    Terraform's and git's own folders are skipped (they hold provider and module
    copies, not the code under review), and links to folders are not followed (no
    loops, nothing outside the tree); they are handed back so callers can say so.
    """
    for current, subdirectories, files in os.walk(root, onerror=onerror):
        here = Path(current)
        linked = sorted(name for name in subdirectories if (here / name).is_symlink())
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and name not in linked
        )
        yield here, linked, sorted(files)


def display_path(path: Path) -> str:
    """Paths in reports: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


@dataclass(frozen=True)
class VarFile:
    path: Path


@dataclass(frozen=True)
class VarValue:
    name: str
    text: str


Assignment = VarFile | VarValue


@dataclass
class ModuleResult:
    resources: list[AIResource] = field(default_factory=list)
    errors: list[HclError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    module_dirs: set[Path] = field(default_factory=set)


def _is_override(path: Path) -> bool:
    return path.name == "override.tf" or path.name.endswith("_override.tf")


def tf_files(directory: Path) -> list[Path]:
    try:
        return sorted(path for path in directory.glob("*.tf") if path.is_file())
    except OSError:
        return []


def _load(directory: Path, result: ModuleResult) -> list[ParsedFile]:
    try:
        names = sorted(directory.iterdir())
    except OSError as error:
        result.errors.append(
            HclError(display_path(directory), None, f"cannot read: {error.strerror}")
        )
        return []
    parsed, overrides = [], []
    for path in names:
        if path.name.endswith(".tf.json"):
            # An error, not a note: the resources in it are not judged, and a gate
            # that passes what it did not read would let anything through.
            result.errors.append(
                HclError(
                    display_path(path),
                    None,
                    "Terraform JSON configuration (.tf.json) is not read, so its "
                    "resources are not judged; scan the plan (terraform show "
                    "-json) instead",
                )
            )
        if not path.name.endswith(".tf"):
            continue
        try:
            file = parse_file(path, display_path(path))
        except HclError as error:
            result.errors.append(error)
            continue
        (overrides if _is_override(path) else parsed).append(file)
    for override in overrides:
        _merge_override(parsed, override)
    return parsed


def _merge_override(files: list[ParsedFile], override: ParsedFile) -> None:
    """Terraform's override files: their attributes replace the original block's."""
    originals = {_override_key(block): block for file in files for block in file.blocks}
    for block in override.blocks:
        original = originals.get(_override_key(block))
        if original is None:
            continue
        original.attributes.update(block.attributes)
        kinds = {nested.kind for nested in block.blocks}
        original.blocks[:] = [
            nested for nested in original.blocks if nested.kind not in kinds
        ] + block.blocks


def _override_key(block: Block) -> tuple[Any, ...]:
    # A provider block overrides the configuration with the same alias (none: the
    # default one), not whichever block of that provider came last.
    if block.kind != "provider":
        return (block.kind, block.labels)
    node = block.attributes.get("alias")
    if node is None:
        return (block.kind, block.labels, None)
    alias = evaluate(node, Scope(variables={}), block.source)
    text = alias if isinstance(alias, str) else block.source.snippet(node)
    return (block.kind, block.labels, text)


def _blocks(files: Iterable[ParsedFile], kind: str) -> list[Block]:
    return [block for parsed in files for block in parsed.blocks if block.kind == kind]


def _variable_file(path: Path, result: ModuleResult) -> dict[str, Any]:
    shown = display_path(path)
    if path.name.endswith(".json"):
        try:
            values = json.loads(read_text(path, shown))
        except HclError as error:
            result.errors.append(error)
            return {}
        except (json.JSONDecodeError, RecursionError) as error:
            line = getattr(error, "lineno", None)
            result.errors.append(HclError(shown, line, "invalid JSON variable file"))
            return {}
        if not isinstance(values, dict):
            result.errors.append(HclError(shown, None, "expected a JSON object"))
            return {}
        return values
    try:
        parsed = parse_file(path, shown)
    except HclError as error:
        result.errors.append(error)
        return {}
    empty = Scope(variables={})
    return {
        name: evaluate(node, empty, parsed.source)
        for name, node in parsed.attributes.items()
    }


def cli_value(name: str, text: str) -> Any:
    """Like ``terraform -var``: a structured value is an expression, else a string."""
    if text.lstrip()[:1] in ("{", "["):
        parsed = parse_expression(text)
        if parsed is None:
            raise ValueError(f"--var {name}: the value is not a valid expression")
        node, source = parsed
        return evaluate(node, Scope(variables={}), source)
    return text


def root_variables(
    directory: Path, result: ModuleResult, assignments: Sequence[Assignment] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    """The root module's variable values, and where each came from."""
    automatic = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    try:
        automatic += sorted(
            path
            for path in directory.iterdir()
            if path.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
        )
    except OSError:
        pass
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}

    def take(found: dict[str, Any], origin: str) -> None:
        values.update(found)
        origins.update(dict.fromkeys(found, origin))

    for path in automatic:
        # Whatever stands at a name Terraform reads (a folder, a FIFO, a broken
        # link) is read, so that it is an error rather than a silent skip.
        if path.exists() or path.is_symlink():
            take(_variable_file(path, result), display_path(path))
    for assignment in assignments:
        if isinstance(assignment, VarFile):
            shown = display_path(assignment.path)
            take(_variable_file(assignment.path, result), f"--var-file {shown}")
        else:
            value = cli_value(assignment.name, assignment.text)
            take({assignment.name: value}, "--var")
    return values, origins


def _declared(
    files: list[ParsedFile], given: Mapping[str, Any], origins: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    empty = Scope(variables={})
    variables: dict[str, Any] = {}
    found: dict[str, str] = {}
    for block in _blocks(files, "variable"):
        name = block.labels[0] if block.labels else ""
        if name in given:
            variables[name] = given[name]
            found[name] = origins.get(name, "its module call")
        elif "default" in block.attributes:
            variables[name] = evaluate(block.attributes["default"], empty, block.source)
            found[name] = f"its default at {block.source.path}:{block.line}"
        else:
            variables[name] = Unknown(
                f"var.{name}",
                "the variable has no default and no value from tfvars, "
                "--var-file or --var",
            )
        flag = block.attributes.get("sensitive")
        if flag is not None and evaluate(flag, empty, block.source) is True:
            # Marked, so that whatever is computed from it is sensitive too. What
            # did not resolve is quoted as the variable, not as the code of its
            # value: a tfvars expression may spell the secret out.
            variables[name] = marked(redacted(variables[name], f"var.{name}"), True)
    return variables, found


def _scope(
    files: list[ParsedFile], variables: dict[str, Any], origins: dict[str, str]
) -> Scope:
    scope = Scope(variables=variables, origins=origins)
    for block in _blocks(files, "locals"):
        for name, node in block.attributes.items():
            scope.locals[name] = (node, block.source)
    return scope


def _providers(
    files: list[ParsedFile], scope: Scope, inherited: Mapping[str, ProviderDefaults]
) -> dict[str, ProviderDefaults]:
    providers = dict(inherited)
    for block in _blocks(files, "provider"):
        alias_node = block.attributes.get("alias")
        alias = evaluate(alias_node, scope, block.source) if alias_node else None
        key = (
            f"{block.labels[0]}.{alias}" if isinstance(alias, str) else block.labels[0]
        )
        providers[key] = provider_defaults(block, scope, key)
    return providers


def _provider_key(block: Block, resource_type: str) -> str:
    node = block.attributes.get("provider")
    if node is not None:
        return block.source.snippet(node)
    return resource_type.split("_", 1)[0]


def _instances(block: Block, scope: Scope) -> list[tuple[str, dict[str, Any]]]:
    """The instance keys of a block (``""``, ``[0]``, ``["eu"]``) and their names.

    Raises HclError for what Terraform rejects (a negative count) and for more
    instances than are worth judging one by one.
    """
    if "count" in block.attributes:
        count = evaluate(block.attributes["count"], scope, block.source)
        if isinstance(count, int) and not isinstance(count, bool):
            if count < 0:
                raise HclError(block.source.path, block.line, "count is negative")
            if count > MAX_INSTANCES:
                raise HclError(
                    block.source.path,
                    block.line,
                    f"count is {count}; ai-cost-policy judges at most "
                    f"{MAX_INSTANCES} instances of one block",
                )
            return [
                (f"[{index}]", {"count": {"index": index}}) for index in range(count)
            ]
        return [("", {"count": {"index": _unknown_iteration(block, "count")}})]
    if "for_each" in block.attributes:
        each = evaluate(block.attributes["for_each"], scope, block.source)
        keys: list[tuple[str, Any]] | None = None
        if isinstance(each, dict) and not isinstance(each, PartialMap):
            keys = sorted(each.items())
        elif isinstance(each, list) and all(isinstance(item, str) for item in each):
            keys = [(key, key) for key in sorted(set(each))]
        if keys is None:
            unknown = _unknown_iteration(block, "for_each")
            return [("", {"each": {"key": unknown, "value": unknown}})]
        if len(keys) > MAX_INSTANCES:
            raise HclError(
                block.source.path,
                block.line,
                f"for_each has {len(keys)} keys; ai-cost-policy judges at most "
                f"{MAX_INSTANCES} instances of one block",
            )
        return [
            (f'["{key}"]', {"each": {"key": key, "value": value}})
            for key, value in keys
        ]
    return [("", {})]


def _unknown_iteration(block: Block, meta: str) -> Unknown:
    return Unknown(
        block.source.snippet(block.attributes[meta]),
        f"the {meta} of this block cannot be resolved from the code",
    )


@dataclass
class _Call:
    """One module instance: where it is, its inputs and its providers."""

    directory: Path
    prefix: str
    given: dict[str, Any]
    providers: dict[str, ProviderDefaults]
    catalog: Catalog
    stack: tuple[Path, ...] = ()
    origins: dict[str, str] = field(default_factory=dict)


def _resolve(call: _Call, result: ModuleResult) -> None:
    files = _load(call.directory, result)
    variables, origins = _declared(files, call.given, call.origins)
    scope = _scope(files, variables, origins)
    providers = _providers(files, scope, call.providers)
    catalog = call.catalog

    for block in _blocks(files, "resource"):
        if len(block.labels) != 2:
            continue
        resource_type, name = block.labels
        if not catalog.for_terraform_type(resource_type):
            continue
        provider = providers.get(_provider_key(block, resource_type))
        try:
            instances = _instances(block, scope)
        except HclError as error:
            result.errors.append(error)
            continue
        for key, iteration in instances:
            # Shares the module's local values and evaluation budget.
            instance_scope = scope.iterating(iteration)
            values = document(block, instance_scope)
            entry = catalog.entry_for(resource_type, values)
            if entry is None:
                continue
            address = f"{call.prefix}{resource_type}.{name}{key}"
            result.resources.append(
                build(
                    entry, address, block, values, provider, call.prefix, instance_scope
                )
            )

    for block in _blocks(files, "module"):
        try:
            _module_call(block, call, scope, providers, result)
        except HclError as error:
            result.errors.append(error)


def _module_call(
    block: Block,
    call: _Call,
    scope: Scope,
    providers: dict[str, ProviderDefaults],
    result: ModuleResult,
) -> None:
    name = block.labels[0] if block.labels else "?"
    source_node = block.attributes.get("source")
    source = evaluate(source_node, scope, block.source) if source_node else None
    where = f"{block.source.path}:{block.line}"
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        result.notes.append(
            f"module '{name}' at {where} has a remote or unresolvable source and "
            "was not scanned"
        )
        return
    directory = (call.directory / source).resolve()
    if not directory.is_dir():
        what = "is not a directory" if directory.exists() else "does not exist"
        raise HclError(
            block.source.path, block.line, f"module '{name}': {source} {what}"
        )
    stack = call.stack or (call.directory,)
    if directory in stack:
        raise HclError(
            block.source.path,
            block.line,
            f"module '{name}' calls {source}, which is already in its call chain "
            "(a module cycle)",
        )
    if len(stack) > MAX_MODULE_DEPTH:
        raise HclError(
            block.source.path,
            block.line,
            f"module '{name}' is nested more than {MAX_MODULE_DEPTH} levels deep",
        )
    result.module_dirs.add(directory)

    child_providers = {key: value for key, value in providers.items() if "." not in key}
    mapping = block.attributes.get("providers")
    if mapping is not None:
        for child_key, parent in _provider_mapping(mapping, block).items():
            if parent in providers:
                child_providers[child_key] = providers[parent]

    for key, iteration in _instances(block, scope):
        instance_scope = scope.iterating(iteration)
        inputs = {
            input_name: evaluate(node, instance_scope, block.source)
            for input_name, node in block.attributes.items()
            if input_name not in ("source", "version", "providers", "count", "for_each")
        }
        _resolve(
            _Call(
                directory,
                f"{call.prefix}module.{name}{key}.",
                inputs,
                child_providers,
                call.catalog,
                (*stack, directory),
                dict.fromkeys(inputs, f"module '{name}' at {where}"),
            ),
            result,
        )


def _provider_mapping(node: Any, block: Block) -> dict[str, str]:
    mapping: dict[str, str] = {}
    object_node = node
    while object_node.data == "expr_term" and len(object_node.children) == 1:
        object_node = object_node.children[0]
    if getattr(object_node, "data", None) != "object":
        return mapping
    for element in object_node.children:
        if getattr(element, "data", None) != "object_elem":
            continue
        key_node, value_node = list(element.children)[:2]
        mapping[block.source.snippet(key_node)] = block.source.snippet(value_node)
    return mapping


def resolve_root_module(
    directory: Path,
    assignments: Sequence[Assignment] = (),
    catalog: Catalog | None = None,
) -> ModuleResult:
    result = ModuleResult()
    directory = directory.resolve()
    given, origins = root_variables(directory, result, assignments)
    call = _Call(directory, "", given, {}, catalog or load_catalog(), origins=origins)
    _resolve(call, result)
    result.resources = link(result.resources)
    return result
