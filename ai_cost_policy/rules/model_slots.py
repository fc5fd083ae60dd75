"""Reading the models a resource runs, for the model rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ai_cost_policy.models import CanonicalModel, normalise
from ai_cost_policy.resource import AIResource
from ai_cost_policy.values import Known, Unknown


@dataclass(frozen=True)
class ModelView:
    """The models that could be read, and why the others could not."""

    models: tuple[CanonicalModel, ...]
    unknowns: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.models and not self.unknowns


def read_models(resource: AIResource) -> ModelView:
    models: list[CanonicalModel] = []
    unknowns: list[str] = []
    for slot in resource.models:
        if isinstance(slot.written, Unknown):
            unknowns.append(f"{slot.attribute} is {slot.written.describe()}")
        elif isinstance(slot.written, Known) and slot.written.value not in (None, ""):
            model = normalise(resource.platform, str(slot.written.value))
            if slot.sensitive:
                model = replace(model, sensitive=True)
            models.append(model)
            if model.canonical is None:
                unknowns.append(f"{slot.attribute}: {model.opaque_reason}")
    return ModelView(tuple(models), tuple(unknowns))


def describe(model: CanonicalModel) -> str:
    written, canonical = model.shown()
    if canonical is None or canonical == written:
        return f"'{written}'"
    return f"'{written}' (canonical '{canonical}')"
