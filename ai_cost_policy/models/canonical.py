"""The canonical model ID and the dispatch to each platform's normaliser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CanonicalModel:
    """A model reference as written and as the rules compare it.

    ``canonical`` is None when the written form does not name a model by itself (an
    application inference profile ARN, a provisioned-model ARN); ``opaque_reason``
    then says why, and the rules treat the model as unknown.
    """

    platform: str
    written: str
    canonical: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    opaque_reason: str | None = None
    sensitive: bool = False

    def shown(self) -> tuple[str, str | None]:
        """(written, canonical) as any output may show them: never a secret."""
        if self.sensitive:
            return SENSITIVE, SENSITIVE if self.canonical is not None else None
        return self.written, self.canonical


SENSITIVE = "(sensitive value)"


Normaliser = Callable[[str], CanonicalModel]


def _normalisers() -> dict[str, Normaliser]:
    from ai_cost_policy.models import azure, bedrock, huggingface, sagemaker, vertex

    return {
        "bedrock": bedrock.normalise,
        "azure": azure.normalise,
        "vertex": vertex.normalise,
        "huggingface": huggingface.normalise,
        "sagemaker": sagemaker.normalise,
    }


def normalise(platform: str, written: str) -> CanonicalModel:
    normaliser = _normalisers().get(platform)
    if normaliser is None:
        return CanonicalModel(platform, written, written.strip().lower())
    return normaliser(written)
