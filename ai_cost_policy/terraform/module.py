"""Resolve a Terraform root module into AI resources with effective tags and models.

Follows what Terraform itself would do with the code alone: variables from defaults,
``terraform.tfvars``, ``*.auto.tfvars``, ``--var-file`` and ``--var`` (later wins);
locals; provider ``default_tags`` per provider configuration, aliases included;
local child modules with their inputs and ``providers`` mapping; ``count`` and
``for_each`` instances. What the code cannot tell is kept as unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
)
from ai_cost_policy.terraform.resources import (
    ProviderDefaults,
    build,
    document,
    entry_for,
    provider_defaults,
)
from ai_cost_policy.values import Unknown

SKIPPED_DIRECTORIES = {".terraform", ".git"}


def display_path(path: Path) -> str:
    """Paths in reports: relative to the working directory when inside it."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


@dataclass
class ModuleResult:
    resources: list[AIResource] = field(default_factory=list)
    errors: list[HclError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    module_dirs: set[Path] = field(default_factory=set)


def tf_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.glob("*.tf") if path.is_file())


def _load(directory: Path, result: ModuleResult) -> list[ParsedFile]:
    parsed = []
    for path in tf_files(directory):
        try:
            parsed.append(parse_file(path, display_path(path)))
        except HclError as error:
            result.errors.append(error)
    return parsed


def _blocks(files: Iterable[ParsedFile], kind: str) -> list[Block]:
    return [block for parsed in files for block in parsed.blocks if block.kind == kind]


def _tfvars(path: Path, result: ModuleResult) -> dict[str, Any]:
    try:
        parsed = parse_file(path, display_path(path))
    except HclError as error:
        result.errors.append(error)
        return {}
    empty = Scope(variables={})
    return {
        name: evaluate(node, empty, parsed.source)
        for name, node in parsed.attributes.items()
    }


def _cli_value(name: str, text: str) -> Any:
    # Like terraform -var: a structured value is an expression, anything else a string.
    if text.lstrip()[:1] in ("{", "["):
        parsed = parse_expression(text)
        if parsed is not None:
            node, source = parsed
            return evaluate(node, Scope(variables={}), source)
        return Unknown(f"--var {name}=...", "the value is not a valid expression")
    return text


def root_variables(
    directory: Path,
    result: ModuleResult,
    var_files: Iterable[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in [
        directory / "terraform.tfvars",
        *sorted(directory.glob("*.auto.tfvars")),
    ]:
        if path.is_file():
            values.update(_tfvars(path, result))
    for path in var_files:
        values.update(_tfvars(Path(path), result))
    for name, text in (cli_vars or {}).items():
        values[name] = _cli_value(name, text)
    return values


def _declared(files: list[ParsedFile], given: Mapping[str, Any]) -> dict[str, Any]:
    empty = Scope(variables={})
    variables: dict[str, Any] = {}
    for block in _blocks(files, "variable"):
        name = block.labels[0] if block.labels else ""
        if name in given:
            variables[name] = given[name]
        elif "default" in block.attributes:
            variables[name] = evaluate(block.attributes["default"], empty, block.source)
        else:
            variables[name] = Unknown(
                f"var.{name}",
                "the variable has no default and no value from tfvars, "
                "--var-file or --var",
            )
    return variables


def _scope(files: list[ParsedFile], variables: dict[str, Any]) -> Scope:
    scope = Scope(variables=variables)
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
    """The instance keys of a resource (``""``, ``[0]``, ``["eu"]``) and their names."""
    if "count" in block.attributes:
        count = evaluate(block.attributes["count"], scope, block.source)
        if isinstance(count, int) and not isinstance(count, bool):
            return [
                (f"[{index}]", {"count": {"index": index}}) for index in range(count)
            ]
        return [("", {"count": {"index": _unknown_iteration(block, "count")}})]
    if "for_each" in block.attributes:
        each = evaluate(block.attributes["for_each"], scope, block.source)
        if isinstance(each, dict) and not isinstance(each, PartialMap):
            return [
                (f'["{key}"]', {"each": {"key": key, "value": value}})
                for key, value in sorted(each.items())
            ]
        if isinstance(each, list) and all(isinstance(item, str) for item in each):
            return [
                (f'["{key}"]', {"each": {"key": key, "value": key}})
                for key in sorted(set(each))
            ]
        unknown = _unknown_iteration(block, "for_each")
        return [("", {"each": {"key": unknown, "value": unknown}})]
    return [("", {})]


def _unknown_iteration(block: Block, meta: str) -> Unknown:
    return Unknown(
        block.source.snippet(block.attributes[meta]),
        f"the {meta} of this resource cannot be resolved from the code",
    )


@dataclass
class _Call:
    """One module instance: where it is, its inputs and its providers."""

    directory: Path
    prefix: str
    given: dict[str, Any]
    providers: dict[str, ProviderDefaults]
    catalog: Catalog
    depth: int = 0


MAX_MODULE_DEPTH = 16


def _resolve(call: _Call, result: ModuleResult) -> None:
    files = _load(call.directory, result)
    scope = _scope(files, _declared(files, call.given))
    providers = _providers(files, scope, call.providers)
    catalog = call.catalog

    for block in _blocks(files, "resource"):
        if len(block.labels) != 2:
            continue
        resource_type, name = block.labels
        if not catalog.for_terraform_type(resource_type):
            continue
        provider = providers.get(_provider_key(block, resource_type))
        for key, iteration in _instances(block, scope):
            instance_scope = Scope(
                variables=scope.variables, locals=scope.locals, iteration=iteration
            )
            values = document(block, instance_scope)
            entry = entry_for(catalog, resource_type, values)
            if entry is None:
                continue
            address = f"{call.prefix}{resource_type}.{name}{key}"
            result.resources.append(
                build(entry, address, block, values, provider, call.prefix)
            )

    for block in _blocks(files, "module"):
        _module_call(block, call, scope, providers, result)


def _module_call(
    block: Block,
    call: _Call,
    scope: Scope,
    providers: dict[str, ProviderDefaults],
    result: ModuleResult,
) -> None:
    name = block.labels[0] if block.labels else "?"
    source = (
        evaluate(block.attributes["source"], scope, block.source)
        if ("source" in block.attributes)
        else None
    )
    where = f"{block.source.path}:{block.line}"
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        result.notes.append(
            f"module '{name}' at {where} has a remote or unresolvable source and "
            "was not scanned"
        )
        return
    directory = (call.directory / source).resolve()
    if not directory.is_dir() or call.depth >= MAX_MODULE_DEPTH:
        result.notes.append(f"module '{name}' at {where}: {source} was not found")
        return
    result.module_dirs.add(directory)

    inputs = {
        key: evaluate(node, scope, block.source)
        for key, node in block.attributes.items()
        if key not in ("source", "version", "providers", "count", "for_each")
    }
    child_providers = {key: value for key, value in providers.items() if "." not in key}
    mapping = block.attributes.get("providers")
    if mapping is not None:
        for child_key, parent in _provider_mapping(mapping, block).items():
            if parent in providers:
                child_providers[child_key] = providers[parent]
    _resolve(
        _Call(
            directory,
            f"{call.prefix}module.{name}.",
            inputs,
            child_providers,
            call.catalog,
            call.depth + 1,
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
        key_node, value_node = [child for child in element.children][:2]
        mapping[block.source.snippet(key_node)] = block.source.snippet(value_node)
    return mapping


def resolve_root_module(
    directory: Path,
    var_files: Iterable[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> ModuleResult:
    result = ModuleResult()
    directory = directory.resolve()
    given = root_variables(directory, result, var_files, cli_vars)
    _resolve(_Call(directory, "", given, {}, catalog or load_catalog()), result)
    result.resources = link(result.resources)
    return result
