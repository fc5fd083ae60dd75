"""Hugging Face Hub model IDs, however they reach the plan.

Canonical form: ``huggingface/<author>/<name>`` in lower case, e.g.
``huggingface/qwen/qwen3-0.6b``. The same model arrives as a Hub ID
(``Qwen/Qwen3-0.6B`` in ``hugging_face_model_id`` or SageMaker's ``HF_MODEL_ID``), as a
Hub URL, or as a Vertex Model Garden publisher ``hf-<author>``; the ``source``
attribute records which.
"""

from __future__ import annotations

import re

from ai_cost_policy.models.canonical import CanonicalModel

PLATFORM = "huggingface"
PREFIX = "huggingface/"

# Hub repository names: ASCII letters, digits, '_', '.', '-', not starting with '.'
# or '-'. Checking this keeps a path, a URL remainder or prose from becoming an ID.
_SEGMENT = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")
_HOSTS = re.compile(r"^(?:https?://)?(?:www\.)?(?P<host>huggingface\.co|hf\.co)/")

# First path segments of the Hub that are not authors: these URLs name a data set or
# a demo app, never a model.
_NOT_MODELS = {"datasets": "a data set", "spaces": "a Space (demo app)"}

_EXPECTED = (
    "expected a Hugging Face model ID <author>/<name>, huggingface/<author>/<name> "
    "or https://huggingface.co/<author>/<name>"
)


def _opaque(written: str, reason: str, **attributes: str) -> CanonicalModel:
    return CanonicalModel(PLATFORM, written, None, dict(attributes), reason)


def model(
    written: str, author: str, name: str, attributes: dict[str, str]
) -> CanonicalModel:
    """The Hub model ``author/name``, or an opaque model saying what is wrong."""
    if author in _NOT_MODELS:
        return _opaque(
            written, f"this names {_NOT_MODELS[author]}, not a model", **attributes
        )
    if not (_SEGMENT.match(author) and _SEGMENT.match(name)):
        return _opaque(
            written,
            "a Hugging Face author and name use only letters, digits, '_', '.' and "
            f"'-'; {_EXPECTED}",
            **attributes,
        )
    return CanonicalModel(PLATFORM, written, f"{PREFIX}{author}/{name}", attributes)


def normalise(written: str) -> CanonicalModel:
    text = written.strip().lower()

    # A Vertex Model Garden name (publishers/hf-<author>/...) is Hugging Face too; the
    # Vertex normaliser owns that grammar and reports anything that is not from the
    # Hub as Vertex, which this platform cannot use.
    if text.startswith(("publishers/", "projects/")):
        from ai_cost_policy.models import vertex

        found = vertex.normalise(written)
        if found.platform == PLATFORM:
            return found
        return _opaque(
            written, "a Vertex publisher model that is not from Hugging Face"
        )

    attributes: dict[str, str] = {}
    host = _HOSTS.match(text)
    if host:
        attributes["source"] = text[: host.end() - 1]
        text = text[host.end() :].rstrip("/")
    parts = text.split("/")
    # Only a three-part ID carries the prefix: "huggingface" is also a Hub author
    # (huggingface/CodeBERTa-small-v1), so a two-part ID is read as author/name.
    if not host and len(parts) == 3 and parts[0] == PREFIX.rstrip("/"):
        attributes["source"] = "canonical"
        parts = parts[1:]
    attributes.setdefault("source", "hub id")

    if len(parts) == 1:
        return _opaque(
            written,
            "a Hugging Face model ID names its author: write <author>/<name>",
            **attributes,
        )
    if len(parts) != 2:
        return _opaque(written, _EXPECTED, **attributes)
    return model(written, parts[0], parts[1], attributes)
