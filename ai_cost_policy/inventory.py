"""``ai-cost-policy inventory``: every AI resource found, as a FinOps analyst asks.

One row per AI resource (HCL or plan): where it is, its platform, the models it
runs as written and canonical, whether they are approved, its cost tags and which
required ones are missing, and its cost attributes. Judgement is the rules':
approval comes from CKV_AICOST_2's outcome and the model tag counts as required
only where CKV_AICOST_3 applies, so the inventory never disagrees with a scan.
Like every output, it shows a sensitive value as ``(sensitive value)`` and never a
resource's source block.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tabulate import tabulate

from ai_cost_policy import __version__
from ai_cost_policy.formats.common import printable
from ai_cost_policy.models.canonical import SENSITIVE
from ai_cost_policy.policy import Policy
from ai_cost_policy.resource import AIResource, ModelSlot
from ai_cost_policy.rules import RULES_BY_ID
from ai_cost_policy.rules.approved_model import matches
from ai_cost_policy.rules.base import NOT_APPLICABLE, UNKNOWN, VIOLATED
from ai_cost_policy.rules.model_slots import read_models
from ai_cost_policy.rules.tags import key_for, visible
from ai_cost_policy.scan import ScanResult
from ai_cost_policy.values import Known, Unknown

APPROVAL_STATES = (
    "approved",
    "not approved",
    "denied",
    "not governed",
    "unknown",
    "no model",
)


@dataclass(frozen=True)
class Model:
    written: str
    canonical: str | None


@dataclass(frozen=True)
class InventoryItem:
    address: str
    file: str | None
    line: int | None
    resource_type: str
    platform: str
    engine: str
    models: tuple[Model, ...]
    # Why a model could not be read (an unknown variable, an opaque ARN).
    unresolved_models: tuple[str, ...]
    # References kept for inventory only (container images), never judged.
    recorded: Mapping[str, str]
    approval: str
    approval_message: str
    # The policy's cost tags as found; None when the resource cannot carry tags.
    tags: Mapping[str, str] | None
    missing_tags: tuple[str, ...]
    # Required keys that may come from a part whose keys cannot be seen.
    unresolved_tags: tuple[str, ...]
    cost_parent: str | None
    # None when the engine's adapter does not read cost attributes.
    cost_attributes: Mapping[str, str] | None

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


def shown(value: Any) -> str:
    """A value from the scanned code as any output may show it."""
    if isinstance(value, Unknown):
        return f"(unknown: {value.expression})"
    if isinstance(value, Known):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return "" if value is None else str(value)


def _approval(resource: AIResource, policy: Policy) -> tuple[str, str]:
    outcome = RULES_BY_ID["CKV_AICOST_2"].evaluate(resource, policy)
    if outcome.kind == NOT_APPLICABLE:
        return "no model", outcome.message
    if outcome.kind == VIOLATED:
        denied = any(
            model.canonical and matches(model.canonical, policy.denied)
            for model in outcome.models
        )
        return ("denied" if denied else "not approved"), outcome.message
    if outcome.kind == UNKNOWN:
        return "unknown", outcome.message
    if any(not policy.governs(model.platform) for model in outcome.models):
        return "not governed", outcome.message
    return "approved", outcome.message


def _cost_keys(resource: AIResource, policy: Policy) -> list[str]:
    """The required keys, and the model tag where CKV_AICOST_3 applies."""
    keys = [requirement.key for requirement in policy.required_tags]
    if policy.model_tag and policy.model_tag not in keys:
        rule = RULES_BY_ID["CKV_AICOST_3"]
        if rule.evaluate(resource, policy).kind != NOT_APPLICABLE:
            keys.append(policy.model_tag)
    return keys


def _tags(
    resource: AIResource, policy: Policy
) -> tuple[dict[str, str] | None, tuple[str, ...], tuple[str, ...]]:
    if resource.tags is None:
        return None, (), ()
    present = visible(resource.tags)
    found: dict[str, str] = {}
    missing: list[str] = []
    unresolved: list[str] = []
    for required in _cost_keys(resource, policy):
        key = key_for(required, resource.tags)
        tag = present.get(key)
        if tag is None:
            (unresolved if resource.tags.hidden else missing).append(key)
        elif tag.sensitive:
            found[key] = SENSITIVE
        elif isinstance(tag.value, Known) and shown(tag.value) == "":
            missing.append(key)  # an empty value counts as missing
        else:
            found[key] = shown(tag.value)
    return found, tuple(missing), tuple(unresolved)


def _recorded(slots: tuple[ModelSlot, ...]) -> dict[str, str]:
    return {
        slot.attribute: SENSITIVE if slot.sensitive else shown(slot.written)
        for slot in slots
        if slot.form == "inventory"
    }


def _cost_attributes(resource: AIResource) -> dict[str, str] | None:
    if resource.cost_attributes is None:
        return None
    return {path: shown(value) for path, value in resource.cost_attributes.items()}


def item(resource: AIResource, policy: Policy) -> InventoryItem:
    view = read_models(resource)
    approval, message = _approval(resource, policy)
    tags, missing, unresolved = _tags(resource, policy)
    return InventoryItem(
        address=resource.address,
        file=resource.file,
        line=resource.line,
        resource_type=resource.resource_type,
        platform=resource.platform,
        engine=resource.engine,
        models=tuple(dict.fromkeys(Model(*model.shown()) for model in view.models)),
        unresolved_models=view.unknowns,
        recorded=_recorded(resource.models),
        approval=approval,
        approval_message=message,
        tags=tags,
        missing_tags=missing,
        unresolved_tags=unresolved,
        cost_parent=resource.parent_reference if resource.tags is None else None,
        cost_attributes=_cost_attributes(resource),
    )


def inventory(result: ScanResult) -> list[InventoryItem]:
    """Every AI resource of the scan, seen through the policy that judged it."""
    items = [
        item(resource, policy)
        for policy, resources in result.judged
        for resource in resources
    ]
    return sorted(items, key=lambda i: (i.file or "", i.line or 0, i.address))


# --- formats ------------------------------------------------------------------------


def _summary(items: list[InventoryItem], result: ScanResult) -> dict[str, int]:
    counts = Counter(entry.approval for entry in items)
    totals = {"resources": len(items)}
    totals.update({state: counts.get(state, 0) for state in APPROVAL_STATES})
    totals["with missing tags"] = sum(1 for entry in items if entry.missing_tags)
    totals["errors"] = len(result.errors)
    return totals


def summary_line(items: list[InventoryItem], result: ScanResult) -> str:
    totals = _summary(items, result)
    noun = "AI resource" if totals["resources"] == 1 else "AI resources"
    states = ", ".join(
        f"{totals[state]} {state}" for state in APPROVAL_STATES if totals[state]
    )
    return (
        f"Inventory: {totals['resources']} {noun}"
        + (f" ({states})" if states else "")
        + f", {totals['with missing tags']} with missing cost tags, "
        + f"{totals['errors']} {'error' if totals['errors'] == 1 else 'errors'}"
    )


def _item_json(entry: InventoryItem) -> dict[str, Any]:
    return {
        "address": entry.address,
        "file": entry.file,
        "line": entry.line,
        "type": entry.resource_type,
        "platform": entry.platform,
        "engine": entry.engine,
        "models": [
            {"written": model.written, "canonical": model.canonical}
            for model in entry.models
        ],
        "unresolved_models": list(entry.unresolved_models),
        "recorded": dict(entry.recorded),
        "approval": entry.approval,
        "approval_message": entry.approval_message,
        "tags": None if entry.tags is None else dict(entry.tags),
        "missing_tags": list(entry.missing_tags),
        "unresolved_tags": list(entry.unresolved_tags),
        "cost_parent": entry.cost_parent,
        "cost_attributes": None
        if entry.cost_attributes is None
        else dict(entry.cost_attributes),
    }


def _errors(result: ScanResult) -> list[dict[str, str]]:
    return [
        {"file": error.file, "message": error.message}
        for error in sorted(result.errors, key=lambda e: (e.file, e.message))
    ]


def render_json(items: list[InventoryItem], result: ScanResult) -> str:
    report = {
        "tool": "ai-cost-policy",
        "version": __version__,
        "summary": _summary(items, result),
        "resources": [_item_json(entry) for entry in items],
        "errors": _errors(result),
        "notes": sorted(result.notes),
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _models_text(entry: InventoryItem, separator: str = "\n") -> str:
    lines = []
    for model in entry.models:
        if model.canonical is None:
            lines.append(f"{model.written} (canonical unknown)")
        elif model.canonical == model.written:
            lines.append(model.written)
        else:
            lines.append(f"{model.written}{separator}-> {model.canonical}")
    if entry.unresolved_models and not entry.models:
        lines.append("(unknown)")
    return separator.join(lines) or "-"


def _pairs(values: Mapping[str, str] | None, separator: str = "\n") -> str:
    if not values:
        return "-"
    return separator.join(f"{key}={value}" for key, value in values.items())


def _tags_text(entry: InventoryItem, separator: str = "\n") -> str:
    if entry.tags is None:
        where = f"; cost on {entry.cost_parent}" if entry.cost_parent else ""
        return f"(cannot carry tags{where})"
    return _pairs(entry.tags, separator)


def _missing_text(entry: InventoryItem, separator: str = "\n") -> str:
    missing = [*entry.missing_tags, *(f"{k} (unknown)" for k in entry.unresolved_tags)]
    return separator.join(missing) or "-"


def _attributes_text(entry: InventoryItem, separator: str = "\n") -> str:
    if entry.cost_attributes is None:
        return "-"
    return _pairs(entry.cost_attributes, separator)


def _trailer(result: ScanResult) -> list[str]:
    lines = [
        f"ERROR    {error['file']}: {error['message']}" for error in _errors(result)
    ]
    return lines + [f"note: {note}" for note in sorted(result.notes)]


# Column widths in the terminal table: long ARNs and paths wrap inside their cell.
TABLE_WIDTHS = {"resource": 50, "model": 44, "tags": 40, "attributes": 30}


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.fill(line, width) if line else line for line in text.split("\n")
    )


def _tag_lines(entry: InventoryItem) -> str:
    """The cost tags with the missing ones said in place: one place to look."""
    if entry.tags is None:
        return _tags_text(entry)
    lines = [f"{key}={value}" for key, value in entry.tags.items()]
    lines += [f"{key} MISSING" for key in entry.missing_tags]
    lines += [f"{key} (unknown)" for key in entry.unresolved_tags]
    return "\n".join(lines) or "-"


def render_table(items: list[InventoryItem], result: ScanResult) -> str:
    widths = TABLE_WIDTHS
    rows = [
        [
            _wrap(f"{entry.address}\n{entry.where}", widths["resource"]),
            entry.platform,
            _wrap(_models_text(entry), widths["model"]),
            entry.approval,
            _wrap(_tag_lines(entry), widths["tags"]),
            _wrap(_attributes_text(entry), widths["attributes"]),
        ]
        for entry in items
    ]
    head = ["Resource", "Platform", "Model", "Approval", "Cost tags"]
    head.append("Cost attributes")
    rows = [[printable(cell) for cell in row] for row in rows]
    lines = [tabulate(rows, headers=head, tablefmt="simple")] if rows else []
    lines += [printable(line) for line in _trailer(result)]
    lines.append(summary_line(items, result))
    return "\n".join(lines) + "\n"


def render_markdown(items: list[InventoryItem], result: ScanResult) -> str:
    from ai_cost_policy.formats.markdown import escape

    head = [
        "Resource",
        "File",
        "Type",
        "Platform",
        "Model",
        "Approval",
        "Cost tags",
        "Missing",
        "Cost attributes",
    ]
    lines = [
        "## AI resource inventory",
        "",
        summary_line(items, result),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for entry in items:
        cells = [
            entry.address,
            entry.where,
            entry.resource_type,
            entry.platform,
            _models_text(entry),
            entry.approval,
            _tags_text(entry),
            _missing_text(entry),
            _attributes_text(entry),
        ]
        lines.append("| " + " | ".join(escape(text) for text in cells) + " |")
    lines.append("")
    trailer = _trailer(result)
    if trailer:
        lines += [f"- {escape(text)}" for text in trailer] + [""]
    return "\n".join(lines)


# A cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(text: str) -> str:
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


# Lists in one CSV cell: model IDs as written and tag keys may hold spaces.
LIST_SEPARATOR = "; "


def _joined(values: Mapping[str, str] | None) -> str:
    return LIST_SEPARATOR.join(
        f"{key}={value}" for key, value in (values or {}).items()
    )


def render_csv(items: list[InventoryItem], result: ScanResult) -> str:
    tag_keys = list(dict.fromkeys(key for entry in items for key in (entry.tags or {})))
    head = ["address", "file", "line", "type", "platform", "engine"]
    head += ["models_written", "models_canonical", "approval"]
    head += [f"tag:{key}" for key in tag_keys]
    head += ["missing_tags", "unresolved_tags", "cost_parent", "cost_attributes"]
    head.append("recorded")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(head)
    for entry in items:
        tags = entry.tags or {}
        row = [
            entry.address,
            entry.file or "",
            str(entry.line or ""),
            entry.resource_type,
            entry.platform,
            entry.engine,
            LIST_SEPARATOR.join(model.written for model in entry.models),
            LIST_SEPARATOR.join(
                model.canonical or "(unknown)" for model in entry.models
            ),
            entry.approval,
            *(tags.get(key, "") for key in tag_keys),
            LIST_SEPARATOR.join(entry.missing_tags),
            LIST_SEPARATOR.join(entry.unresolved_tags),
            entry.cost_parent or "",
            _joined(entry.cost_attributes),
            _joined(entry.recorded),
        ]
        writer.writerow([_csv_cell(text) for text in row])
    return buffer.getvalue()


FORMATS = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
