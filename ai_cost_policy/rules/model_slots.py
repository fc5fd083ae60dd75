"""Reading the models a resource runs, for the model rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ai_cost_policy.models import CanonicalModel, normalise
from ai_cost_policy.models.azure import from_parts
from ai_cost_policy.resource import AIResource, ModelSlot
from ai_cost_policy.values import Known, Unknown


@dataclass(frozen=True)
class ModelView:
    """The models that could be read, and why the others could not."""

    models: tuple[CanonicalModel, ...]
    unknowns: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.models and not self.unknowns


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def canonical(slot: ModelSlot, platform: str) -> CanonicalModel | None:
    """The slot's model, or None when nothing is written there."""
    if not isinstance(slot.written, Known):
        return None
    value = slot.written.value
    if slot.form == "azure_parts" and isinstance(value, dict):
        model = from_parts(
            str(value.get("name") or ""),
            _text(value.get("version")),
            _text(value.get("format")),
            _text(value.get("publisher")),
        )
    elif value in (None, "") or isinstance(value, (dict, list)):
        return None
    else:
        model = normalise(slot.platform or platform, str(value))
    return replace(model, sensitive=True) if slot.sensitive else model


def read_models(resource: AIResource, attributed: bool = False) -> ModelView:
    """The resource's own models; with ``attributed``, also its children's."""
    slots: Iterable[ModelSlot] = resource.models
    if attributed:
        slots = (*resource.models, *resource.attributed_models)
    models: list[CanonicalModel] = []
    # What is said -> the attributes it is said of, in the order they were found.
    unknowns: dict[str, list[str]] = {}
    for slot in slots:
        if slot.form == "inventory":
            continue
        if isinstance(slot.written, Unknown):
            written = slot.written
            if written.expression == slot.attribute:
                said = f" is unknown ({written.reason})"
            else:
                said = f" is {written.describe()}"
            unknowns.setdefault(said, []).append(slot.attribute)
            continue
        model = canonical(slot, resource.platform)
        if model is None:
            continue
        models.append(model)
        if model.canonical is None:
            unknowns.setdefault(f": {model.opaque_reason}", []).append(slot.attribute)
    # A parent and the child whose cost it carries may run the same model.
    unique = {(model.written, model.canonical): model for model in models}
    return ModelView(
        tuple(unique.values()),
        tuple(_said_once(said, attributes) for said, attributes in unknowns.items()),
    )


def _said_once(said: str, attributes: list[str]) -> str:
    # Thousands of generated blocks can share one reason: say it once.
    attributes = list(dict.fromkeys(attributes))
    if len(attributes) == 1:
        return f"{attributes[0]}{said}"
    return f"{attributes[0]} (and {len(attributes) - 1:,} more like it){said}"


def describe(model: CanonicalModel) -> str:
    written, canonical_id = model.shown()
    if canonical_id is None or canonical_id == written:
        return f"'{written}'"
    return f"'{written}' (canonical '{canonical_id}')"
