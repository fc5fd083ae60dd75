"""What the policies in ``__main__.py`` do: read the resource, decide, map verdicts.

CrossGuard runs each policy of the pack on a resource in turn, each with a fresh copy
of the inputs and its own config. The rules, though, are decided once per resource
and policy settings: the first policy to ask resolves the resource and evaluates all
rules, the others reuse that result from a small bounded cache.

Every resource is offered to every policy; whether it is an AI resource is the
catalog's call: the built-in catalog (each entry with a ``pulumi_type``) plus the
``resource_types`` the policy file adds. Anything else is not applicable. Each
Analyze sees one resource, so it is linked alone: a model that refers to another
resource, or a parent that carries the cost, is never in view there. When the model
rules cannot decide because the model may be another resource's (unknown during
preview, a reference, an application inference profile ARN), the resource policy
leaves the verdict to its stack policy (``ai_cost_stack``), which sees the whole
stack, and says so as not-applicable: unless that stack policy is disabled.

Verdicts reach Pulumi as DESIGN.md says: ``failed`` is a violation of the rule's
policy; a warning that an unknown value caused goes to ``ai-unknown-values`` (an
advisory policy), prefixed with the rule's policy name; a warning because the rule
is advisory stays with the rule's policy; ``not-applicable`` is
``args.not_applicable``; ``passed`` says nothing. The enforcement level is the one
the engine configured for each policy, so it always has the last word.

Nothing here may raise into pulumi-policy: any exception other than its own
not-applicable signal would fail the whole preview.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ai_cost_policy.catalog import Catalog, load_catalog
from ai_cost_policy.linking import link
from ai_cost_policy.models import normalise
from ai_cost_policy.policy import (
    DEFAULT_ANNOUNCEMENT,
    ENVIRONMENT_VARIABLE,
    Policy,
    PolicyError,
    apply_overrides,
    default_policy,
    load_policy_file,
)
from ai_cost_policy.pulumi_inputs import (
    SECRET_SIG,
    SIG_KEY,
    PulumiProvider,
    Secret,
    may_name_another_resource,
    resolve,
)
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import RULES, Finding, Rule, decide
from ai_cost_policy.rules.base import FAILED, NOT_APPLICABLE, UNKNOWN, WARNING

UNKNOWN_POLICY = "ai-unknown-values"
STACK_SUFFIX = "-stack"
# The rules whose verdict another resource of the stack can change: the model a
# resource runs may be another resource's, and an untaggable resource's models count
# on the resource that pays for it. Each has a stack policy, `<policy>-stack`.
STACK_RULES = ("CKV_AICOST_2", "CKV_AICOST_3")
# How a resource policy's not-applicable starts when its stack policy decides.
DEFERRED = "judged by {policy}, which sees the whole stack: "
CONFIG_SOURCE = "policy pack config"
SENSITIVE = "(sensitive value)"
NOT_AI = (
    "not an AI resource: its type is not in the ai-cost-policy catalog or the "
    "policy file's resource_types"
)
CACHE_SIZE = 256

CONFIG_PROPERTIES: dict[str, dict[str, Any]] = {
    "policyFile": {
        "type": "string",
        "minLength": 1,
        "description": "Path of the ai-cost-policy.yaml policy file. Relative paths "
        "are resolved from the policy pack directory. Default: "
        f"${ENVIRONMENT_VARIABLE}, then the embedded default policy.",
    },
    "unknown": {
        "type": "string",
        "enum": ["fail", "warn", "pass"],
        "description": "How a value unknown during preview is judged; beats "
        "`unknown:` in the policy file.",
    },
    "overrides": {
        "type": "object",
        "description": "Policy file keys (tags, models, unknown, rules) that replace "
        "the policy file's sections of the same name; checked against the policy "
        "file's schema, errors name the key.",
        "properties": {
            "tags": {"type": "object"},
            "models": {"type": "object"},
            "unknown": {"type": "string", "enum": ["fail", "warn", "pass"]},
            "rules": {"type": "object"},
        },
        "additionalProperties": False,
    },
}


# --- Secrets ---------------------------------------------------------------------


class SecretText(str):
    """A string that arrived in Pulumi's secret envelope.

    pulumi-policy unwraps secrets to plain text before a policy sees them (unlike
    in Remediate), so without this mark the rules could not tell which values they
    must never print. It behaves as the plain string everywhere else.
    """


def install_secret_marking() -> bool:
    """Make pulumi-policy's Analyze keep a mark on secret strings; False if it can't.

    The hook is pulumi-policy's own ``deserialize_properties``, which Analyze calls
    on the wire form where secrets are still enveloped. Strings inside an envelope
    come out as :class:`SecretText`; everything else is exactly as before.
    """
    try:
        from pulumi_policy import policy as sdk
    except ImportError:
        return False
    original = getattr(sdk, "deserialize_properties", None)
    if original is None:
        return False
    if getattr(original, "marks_secrets", False):
        return True

    def deserialize_marking_secrets(
        props: dict[str, Any], proxy_secrets: bool = False
    ) -> dict[str, Any]:
        if proxy_secrets:
            return original(props, proxy_secrets)
        return original(_mark_secrets(props, False), proxy_secrets)

    deserialize_marking_secrets.marks_secrets = True  # type: ignore[attr-defined]
    sdk.deserialize_properties = deserialize_marking_secrets
    return True


def _mark_secrets(value: Any, inside: bool) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG and "value" in value:
            return _mark_secrets(value["value"], True)
        if SIG_KEY in value:
            return value  # an asset or archive: no model IDs or tags in there
        return {key: _mark_secrets(item, inside) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark_secrets(item, inside) for item in value]
    if inside and isinstance(value, str):
        return SecretText(value)
    return value


# --- Enforcement levels the engine configured -------------------------------------


class _Levels:
    """The level the engine configured for each policy, as Configure sent them.

    pulumi-policy keeps them to itself, but a resource policy needs to know whether
    its stack policy runs at all before it leaves a verdict to it.
    """

    def __init__(self) -> None:
        self.tracked = False
        self._configured: dict[str, str] = {}

    def record(self, levels: Mapping[str, str]) -> None:
        self._configured = dict(levels)

    def runs(self, policy: str) -> bool:
        """False when the engine disabled ``policy`` or its levels cannot be known."""
        if not self.tracked:
            return False
        return self._configured.get(policy, "MANDATORY") != "DISABLED"


levels = _Levels()


def install_level_tracking() -> bool:
    """Record the levels of every Configure call; False if pulumi-policy changed."""
    try:
        from pulumi.runtime.proto import analyzer_pb2
        from pulumi_policy import policy as sdk

        servicer = sdk._PolicyAnalyzerServicer
        original = servicer.Configure
    except (ImportError, AttributeError):
        return False
    if getattr(original, "records_levels", False):
        levels.tracked = True
        return True

    def configure_recording_levels(self: Any, request: Any, context: Any) -> Any:
        try:
            levels.record(
                {
                    name: analyzer_pb2.EnforcementLevel.Name(config.enforcementLevel)
                    for name, config in request.policyConfig.items()
                }
            )
        except Exception:  # noqa: BLE001 - never stand between engine and pack
            levels.tracked = False
        return original(self, request, context)

    configure_recording_levels.records_levels = True  # type: ignore[attr-defined]
    servicer.Configure = configure_recording_levels
    levels.tracked = True
    return True


def stack_policy_of(rule: Rule) -> str:
    return rule.pulumi_name + STACK_SUFFIX


# --- Reading what the engine sent ------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One resource as sent to Analyze, in plain Python, with a digest for caching."""

    resource_type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    provider: PulumiProvider | None
    digest: str
    secrets: tuple[str, ...] = field(default=(), repr=False)
    stack_tags: Mapping[str, str] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """Plain dicts, lists and scalars from pulumi-policy's proxies, unknowns intact.

    Reading a proxy's items raises UnknownValueError on an unknown value, which
    pulumi-policy would turn into its own "can't run policy" advisory. The raw
    target (``proxy["__target"]``) holds the sentinels instead, and the rules
    report unknowns themselves.
    """
    if isinstance(value, SecretText):
        return Secret(str(value))
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        target = _target(value, dict)
        return {str(key): plain(item) for key, item in target.items()}
    if isinstance(value, Sequence):
        return [plain(item) for item in _target(value, list)]
    return repr(value)  # assets and archives: opaque to these rules


def _target(container: Any, kind: type) -> Any:
    if isinstance(container, kind):
        return container
    try:
        target = container["__target"]
    except Exception:  # noqa: BLE001 - any container without a raw target
        target = None
    if isinstance(target, kind):
        return target
    return kind(iter(container)) if kind is list else dict(container)


def snapshot_provider(provider: Any) -> PulumiProvider:
    """The resource's provider as the core reads it."""
    return PulumiProvider(
        type=str(provider.resource_type),
        name=str(provider.name),
        props=plain(provider.props),
        urn=str(provider.urn),
    )


def snapshot(args: Any, stack_tags: Mapping[str, str] | None = None) -> Snapshot:
    """One resource of ``args`` (policy args or a stack's PolicyResource)."""
    props = plain(args.props)
    provider = None if args.provider is None else snapshot_provider(args.provider)
    if stack_tags is None:
        stack_tags = getattr(args, "stack_tags", None) or {}
    stack_tags = {str(key): str(value) for key, value in stack_tags.items()}
    identity = [
        args.resource_type,
        args.name,
        args.urn,
        props,
        None if provider is None else [provider.type, provider.name, provider.props],
        stack_tags,
    ]
    text = json.dumps(identity, sort_keys=True, default=repr)
    return Snapshot(
        resource_type=str(args.resource_type),
        name=str(args.name),
        urn=str(args.urn),
        props=props,
        provider=provider,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        stack_tags=stack_tags,
        secrets=tuple(_secret_strings([props, provider and provider.props], False)),
    )


def _secret_strings(value: Any, inside: bool) -> list[str]:
    if isinstance(value, Secret):
        return _secret_strings(value.value, True)
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in _secret_strings(item, inside)]
    if isinstance(value, list):
        return [s for item in value for s in _secret_strings(item, inside)]
    if not inside or not isinstance(value, str) or not value:
        return []
    found = [value]
    try:
        parsed = json.loads(value)  # a secret provider input is a JSON string
    except ValueError:
        parsed = None
    if isinstance(parsed, (dict, list)):
        found += _secret_strings(parsed, True)
    return found


# --- Settings and the policy they select -----------------------------------------


@dataclass(frozen=True)
class Settings:
    """One policy's config, plus the environment, as a hashable cache key."""

    key: str
    policy_file: Any
    unknown: Any
    overrides: Any
    environment_file: str

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Settings:
        policy_file = config.get("policyFile")
        unknown = config.get("unknown")
        overrides = config.get("overrides")
        environment_file = os.environ.get(ENVIRONMENT_VARIABLE, "")
        key = json.dumps(
            [policy_file, unknown, overrides, environment_file],
            sort_keys=True,
            default=repr,
        )
        return cls(key, policy_file, unknown, overrides, environment_file)


class _Announcement:
    """The embedded default is announced once per pack process, on stderr."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False

    def __call__(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
        print(
            "ai-cost-policy pack: no `policyFile` in the policy pack config and "
            f"${ENVIRONMENT_VARIABLE} is not set.\n{DEFAULT_ANNOUNCEMENT}",
            file=sys.stderr,
            flush=True,
        )


announce_default = _Announcement()


def load_policy(settings: Settings) -> Policy:
    """The policy these settings select; raises PolicyError naming file, line, key."""
    if settings.policy_file is not None:
        if not isinstance(settings.policy_file, str) or not settings.policy_file:
            raise PolicyError(
                CONFIG_SOURCE, "must be the path of a policy file", key="policyFile"
            )
        policy = load_policy_file(
            _absolute(settings.policy_file), named_by="policyFile"
        )
    elif settings.environment_file:
        policy = load_policy_file(
            _absolute(settings.environment_file), named_by=ENVIRONMENT_VARIABLE
        )
    else:
        policy = default_policy()
        announce_default()

    if settings.overrides is not None and not isinstance(settings.overrides, Mapping):
        raise PolicyError(
            CONFIG_SOURCE, "must be an object of policy file keys", key="overrides"
        )
    overrides = dict(settings.overrides or {})
    if settings.unknown is not None:
        overrides["unknown"] = settings.unknown  # the dedicated property wins
    return apply_overrides(policy, overrides, CONFIG_SOURCE) if overrides else policy


def _absolute(path: str) -> str:
    # The engine starts the pack in the pack's directory, so that is where a
    # relative path points; an absolute one in messages shows where it looked.
    return os.path.abspath(path)


def default_enforcement() -> dict[str, str]:
    """Each rule's level from the policy known at start-up: ``rules:`` in the file
    named by the environment variable. A ``policyFile`` only arrives with the
    engine's Configure call, after the levels were read; the level the engine
    configures beats this one anyway."""
    named = os.environ.get(ENVIRONMENT_VARIABLE, "")
    try:
        policy = load_policy_file(_absolute(named)) if named else default_policy()
    except Exception:  # noqa: BLE001 - reported on every AI resource at Analyze
        return {rule.id: "mandatory" for rule in RULES}
    return {rule.id: policy.enforcement_of(rule.id) for rule in RULES}


# --- Evaluation and verdict mapping ----------------------------------------------


@dataclass(frozen=True)
class RuleReport:
    """What one rule's policy reports on a resource.

    ``deferred`` is set when the rule could not decide because the model may be
    another resource's: the not-applicable reason to give instead of this report
    when the rule's stack policy runs.
    """

    violation: str | None = None
    unknown_warning: str | None = None
    not_applicable: str | None = None
    deferred: str | None = None


class Bounded:
    """A small thread-safe LRU map: the engine may analyze on several threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def put(self, key: Any, part: Any, item: Any) -> None:
        """Set one part of the entry ``key``: a second Analyze of the same resource
        replaces what the first one left rather than adding to it."""
        with self._lock:
            self._items.setdefault(key, {})[part] = item
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def pop(self, key: Any) -> Any:
        with self._lock:
            return self._items.pop(key, None)


_policies = Bounded(16)
_resources = Bounded(CACHE_SIZE)
_evaluations = Bounded(CACHE_SIZE)
# Warnings caused by unknowns, waiting for ai-unknown-values to report them. The
# rule policies come first in the pack, and pulumi-policy runs a resource's policies
# in order within one Analyze, so each entry lives only for that one request.
_pending_unknowns = Bounded(CACHE_SIZE)


def policy_or_error(settings: Settings) -> Policy | PolicyError:
    def make() -> Policy | PolicyError:
        try:
            return load_policy(settings)
        except PolicyError as error:
            return error

    return _policies.get_or_make(settings.key, make)


def _evaluate(
    resource: AIResource, snap: Snapshot, settings: Settings
) -> dict[str, RuleReport]:
    def make() -> dict[str, RuleReport]:
        policy = policy_or_error(settings)
        if isinstance(policy, PolicyError):
            problem = (
                f"the ai-cost-policy policy file cannot be used, so no rule was "
                f"checked: {policy}"
            )
            return {rule.id: RuleReport(violation=problem) for rule in RULES}
        return {rule.id: _report(rule, resource, policy, snap) for rule in RULES}

    return _evaluations.get_or_make((settings.key, snap.digest), make)


def _report(
    rule: Rule, resource: AIResource, policy: Policy, snap: Snapshot
) -> RuleReport:
    outcome = rule.evaluate(resource, policy)
    finding = decide(rule, resource, outcome, policy)
    if finding.verdict == NOT_APPLICABLE:
        finding = replace(
            finding, details=finding.details + _payer_note(rule, resource)
        )
    secrets = secret_forms(resource, snap)
    report = report_of(rule.pulumi_name, finding, outcome.kind, policy, secrets)
    if deferrable(rule, resource, outcome.kind):
        said = scrub(outcome.message, secrets)
        why = DEFERRED.format(policy=stack_policy_of(rule)) + said
        return replace(report, deferred=why)
    return report


def _payer_note(rule: Rule, resource: AIResource) -> tuple[str, ...]:
    """Where an untaggable resource's models are checked after all, in Pulumi.

    The core says whether the paying resource is in view of the scan; Analyze never
    has it in view, the stack policy has.
    """
    parent = resource.entry.cost_parent
    if resource.tags is not None or parent is None or rule.id not in STACK_RULES:
        return ()
    if not parent.pulumi or not parent.type:
        return ()
    return (
        f"{stack_policy_of(rule)} follows {parent.pulumi} to the {parent.type} "
        "that pays, when it is in the same stack, and checks this resource's models "
        "there",
    )


def deferrable(rule: Rule, resource: AIResource, kind: str) -> bool:
    """Whether the rule stayed open only because another resource may settle it."""
    return (
        rule.id in STACK_RULES
        and kind == UNKNOWN
        and any(may_name_another_resource(slot) for slot in resource.models)
    )


def report_of(
    policy_name: str,
    finding: Finding,
    kind: str,
    policy: Policy,
    secrets: Sequence[str],
) -> RuleReport:
    """DESIGN.md's verdict mapping for one finding of the policy ``policy_name``."""
    message = scrub(_message(finding), secrets)
    if finding.verdict == FAILED:
        return RuleReport(violation=message)
    if finding.verdict == WARNING:
        if kind == UNKNOWN and policy.unknown == "warn":
            return RuleReport(unknown_warning=f"[{policy_name}] {message}")
        return RuleReport(violation=message)
    if finding.verdict == NOT_APPLICABLE:
        return RuleReport(not_applicable=message)
    return RuleReport()


def _message(finding: Finding) -> str:
    return "\n".join((finding.message, *finding.details))


def secret_forms(resource: AIResource, snap: Snapshot) -> tuple[str, ...]:
    """Every secret string and the canonical model ID it may be printed as."""
    forms = set(snap.secrets)
    for secret in snap.secrets:
        canonical = normalise(resource.platform, secret).canonical
        if canonical:
            forms.add(canonical)
    return tuple(sorted(forms, key=len, reverse=True))


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced, whatever its case.

    The rules already show sensitive values as such; this is the last line of
    defence for a message that quotes an input some other way.
    """
    lowered = text.lower()
    for secret in secrets:
        needle = secret.lower()
        start = lowered.find(needle)
        while start != -1:
            end = start + len(needle)
            text = text[:start] + SENSITIVE + text[end:]
            lowered = lowered[:start] + SENSITIVE.lower() + lowered[end:]
            start = lowered.find(needle, start + len(SENSITIVE))
    return text


def _catalog(policy: Policy | PolicyError) -> Catalog:
    """The built-in catalog plus the policy's own types; a broken policy adds none.

    The AI resources of the built-in catalog then report why the policy is broken.
    """
    return load_catalog() if isinstance(policy, PolicyError) else policy.catalog()


def resolved(snap: Snapshot, settings: Settings) -> AIResource | None:
    """The AI resource in ``snap`` as read, before any linking."""
    policy = policy_or_error(settings)
    catalog = _catalog(policy)
    counted = isinstance(policy, Policy) and policy.from_stack_tags

    def make() -> AIResource | None:
        return resolve(
            snap.resource_type,
            snap.name,
            snap.urn,
            snap.props,
            snap.provider,
            catalog,
            snap.stack_tags if counted else None,
        )

    return _resources.get_or_make((catalog, snap.digest, counted), make)


def _resource(snap: Snapshot, settings: Settings) -> AIResource | None:
    """The AI resource in ``snap``, linked as the only resource in view."""
    resource = resolved(snap, settings)
    return None if resource is None else link([resource])[0]


def check_rule(rule: Rule, args: Any) -> RuleReport:
    """The report of ``rule``'s policy on the resource in ``args``; never raises."""
    try:
        snap = snapshot(args)
        settings = Settings.of(args.get_config())
        resource = _resource(snap, settings)
        if resource is None:
            return RuleReport(not_applicable=NOT_AI)
        report = _evaluate(resource, snap, settings)[rule.id]
        if report.deferred is not None and levels.runs(stack_policy_of(rule)):
            return RuleReport(not_applicable=report.deferred)
        if report.unknown_warning is not None:
            _pending_unknowns.put(snap.digest, rule.id, report.unknown_warning)
        return report
    except Exception as error:  # noqa: BLE001 - a policy must never raise
        return RuleReport(violation=internal_error(error))


def unknown_warnings(args: Any) -> tuple[list[str], str | None]:
    """The warnings ai-unknown-values reports on this resource; never raises."""
    try:
        snap = snapshot(args)
        if _resource(snap, Settings.of(args.get_config())) is None:
            return [], NOT_AI
        return list((_pending_unknowns.pop(snap.digest) or {}).values()), None
    except Exception as error:  # noqa: BLE001 - a policy must never raise
        return [internal_error(error)], None


def internal_error(error: BaseException) -> str:
    """A violation for our own bug: the resource is not judged, so it is not passed.

    Only the exception's type and where it happened are shown, never its text: it
    might quote an input value, and inputs may be secret.
    """
    where = ""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is not None:
        code = trace.tb_frame.f_code
        where = f" at {os.path.basename(code.co_filename)}:{trace.tb_lineno}"
    summary = f"{type(error).__name__}{where}"
    print(f"ai-cost-policy pack: internal error {summary}", file=sys.stderr)
    return (
        f"ai-cost-policy could not evaluate this resource (internal error "
        f"{summary}); the rule was not checked. Please report this."
    )
