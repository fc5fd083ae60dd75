"""Vertex AI / Model Garden model names: short IDs, publisher paths, resource names.

Canonical form: ``<publisher>/<model>[@<version>]`` in lower case, e.g.
``google/gemini-2.5-flash`` or ``anthropic/claude-sonnet-4-5@20250929``. Models from
a Hugging Face publisher (``publishers/hf-<author>/...``) leave this platform: they
become ``huggingface/<author>/<name>`` on the ``huggingface`` platform, so that one
allow-list governs a Hub model however it is deployed.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from ai_cost_policy.models import huggingface
from ai_cost_policy.models.canonical import CanonicalModel

PLATFORM = "vertex"

# Short names of Google's own model families (Vertex model-versions page); any other
# short name could belong to any publisher and stays unresolved rather than guessed.
GOOGLE_SHORT_NAMES = (
    "gemini-*",
    "gemini-embedding-*",
    "text-*embedding*",
    "text-multilingual-embedding-*",
    "gemma*",
    "imagen*",
    "multimodalembedding*",
)
ANTHROPIC_SHORT_NAMES = ("claude-*",)
HUGGING_FACE_PUBLISHER = "hf-"

_RESOURCE_NAME = re.compile(
    r"^projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/"
)
_PUBLISHER_PATH = re.compile(
    r"^publishers/(?P<publisher>[^/]+)/models/(?P<model>[^/]+)$"
)
_CANONICAL = re.compile(r"^(?P<publisher>[^/]+)/(?P<model>[^/]+)$")
# Org-policy values (constraints/vertexai.allowedModels) end in the action allowed:
# predict, deploy, tune.
_ACTION = re.compile(r"^(?P<model>.+):(?P<action>[a-z]+)$")

_EXPECTED = (
    "expected <model>, <publisher>/<model> or publishers/<publisher>/models/<model>, "
    "each with an optional @<version>"
)


def _opaque(written: str, reason: str, attributes: dict[str, str]) -> CanonicalModel:
    return CanonicalModel(PLATFORM, written, None, attributes, reason)


def _short_name_publisher(name: str) -> str | None:
    if any(fnmatchcase(name, pattern) for pattern in GOOGLE_SHORT_NAMES):
        return "google"
    if any(fnmatchcase(name, pattern) for pattern in ANTHROPIC_SHORT_NAMES):
        return "anthropic"
    return None


def _publisher_model(
    written: str, publisher: str, model: str, attributes: dict[str, str]
) -> CanonicalModel:
    name, _, version = model.partition("@")
    if not name:
        return _opaque(written, f"the model name is empty; {_EXPECTED}", attributes)

    if publisher.startswith(HUGGING_FACE_PUBLISHER):
        # Model Garden names Hub models publishers/hf-<author>/models/<name>@001; the
        # @001 says nothing about the Hub model, so it is kept for the record only.
        attributes |= {"source": "vertex", "publisher": publisher}
        if version:
            attributes["version"] = version
        author = publisher[len(HUGGING_FACE_PUBLISHER) :]
        return huggingface.model(written, author, name, attributes)

    canonical = f"{publisher}/{name}@{version}" if version else f"{publisher}/{name}"
    return CanonicalModel(PLATFORM, written, canonical, attributes)


def normalise(written: str) -> CanonicalModel:
    text = written.strip().lower()
    attributes: dict[str, str] = {}
    if not text:
        return _opaque(written, "the model name is empty", attributes)
    if any(char.isspace() for char in text):
        return _opaque(written, "a model name contains no whitespace", attributes)
    # huggingface/<author>/<name> is the Hub's canonical ID; a two-part
    # huggingface/<model> is a Vertex publisher named "huggingface".
    if text.startswith(huggingface.PREFIX) and text.count("/") == 2:
        return huggingface.normalise(written)

    resource = _RESOURCE_NAME.match(text)
    if resource:
        attributes |= {
            "project": resource["project"],
            "location": resource["location"],
        }
        text = text[resource.end() :]
        if not text.startswith("publishers/"):
            return _opaque(
                written,
                "a Vertex resource name that is not a publisher model (an endpoint "
                "or a Model Registry model) does not name a catalogued model",
                attributes,
            )

    if text.startswith("publishers/"):
        path = _PUBLISHER_PATH.match(text)
        if not path:
            return _opaque(written, _EXPECTED, attributes)
        model = path["model"]
        action = _ACTION.match(model)
        if action:
            attributes["action"] = action["action"]
            model = action["model"]
        return _publisher_model(written, path["publisher"], model, attributes)

    canonical = _CANONICAL.match(text)
    if canonical:
        return _publisher_model(
            written, canonical["publisher"], canonical["model"], attributes
        )
    if "/" in text:
        return _opaque(written, _EXPECTED, attributes)

    publisher = _short_name_publisher(text.partition("@")[0])
    if publisher is None:
        return _opaque(
            written,
            "the publisher of this short model name cannot be inferred; write "
            "<publisher>/<model> or publishers/<publisher>/models/<model>",
            attributes,
        )
    return _publisher_model(written, publisher, text, attributes)
