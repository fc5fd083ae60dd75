"""Run Pulumi programs under mocks and judge them with the real policy pack over gRPC.

No Pulumi CLI is needed (research: engines.md §7-§8). A program runs in a fresh
interpreter under ``pulumi.runtime.set_mocks(..., preview=True)``; the capture is
what the Python SDK put on the wire for each resource: unknown outputs already
replaced by the unknown sentinel and secrets still in their envelope, exactly as
``pulumi.runtime.rpc.serialize_properties`` made them. The pack is started the way
the engine starts it (``python -u -m pulumi.policy <engine> <pack dir>``, in the
pack directory) and driven with the Analyzer stubs.

What mocks cannot do, the harness does as the engine does (pulumi/pulumi
``pkg/resource/deploy``): a resource without an explicit provider gets the
default provider ``default_<version>``, whose inputs are the stack config of its
package (``Pulumi.<stack>.yaml``), objects JSON-encoded; and AnalyzeStack gets
every resource with its provider, parent, dependencies and property dependencies
(as the program registered them), its inputs standing for the outputs a provider
previews for a create (inputs, computed values unknown).

A (resource, rule) verdict is read back through DESIGN.md's mapping from what the
rule's resource policy said in Analyze, unless its stack policy reported on the
resource in AnalyzeStack; a resource policy that left the verdict to its stack
policy ("judged by <policy>-stack, ...") and got no report from it passed.

Run ``python tests/pulumi_harness.py capture <program dir>`` to see a capture.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

from ai_cost_policy.catalog import load_catalog

REPO = Path(__file__).resolve().parent.parent
PACK_DIR = REPO / "pulumi_policies"
PROGRAMS = REPO / "tests" / "pulumi_programs"
UNKNOWN_POLICY = "ai-unknown-values"
STACK_SUFFIX = "-stack"
UNKNOWN_STACK_POLICY = UNKNOWN_POLICY + STACK_SUFFIX
# How a resource policy's not-applicable starts when it leaves the verdict to its
# stack policy (the pack's documented wording).
DEFERRED = "judged by {policy}, which sees the whole stack: "
STACK = "test"
PROVIDER_PREFIX = "pulumi:providers:"
VERDICT_OF_LEVEL = {"MANDATORY": "failed", "ADVISORY": "warning"}


# --- Running a program under mocks (in its own interpreter) ----------------------


def _stack_config(program: Path) -> dict[str, str]:
    """Stack config as the engine hands it to programs: strings, objects as JSON."""
    path = program / f"Pulumi.{STACK}.yaml"
    if not path.is_file():
        return {}
    raw = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("config", {})
    return {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in raw.items()
    }


def _project(program: Path) -> str:
    path = program / "Pulumi.yaml"
    if path.is_file():
        return str(yaml.safe_load(path.read_text(encoding="utf-8"))["name"])
    return program.name


def _capture_in_process(program: Path) -> dict[str, Any]:
    """Run ``program`` under mocks here; call only in a fresh interpreter."""
    config = _stack_config(program)
    os.environ["PULUMI_CONFIG"] = json.dumps(config)

    import runpy

    import pulumi
    from google.protobuf import json_format
    from pulumi.runtime import mocks

    project = _project(program)
    captured: list[dict[str, Any]] = []

    class Monitor(mocks.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # The mock's own URNs ignore set_mocks' project and stack.
            if parent:
                type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
            return f"urn:pulumi:{STACK}::{project}::{type_}::{name}"

        def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC name
            response = super().RegisterResource(request)
            captured.append(
                {
                    "type": request.type,
                    "name": request.name,
                    "urn": response.urn,
                    "custom": bool(request.custom),
                    "provider": request.provider,
                    "parent": request.parent,
                    "dependencies": list(request.dependencies),
                    "propertyDependencies": {
                        key: list(value.urns)
                        for key, value in request.propertyDependencies.items()
                    },
                    "inputs": json_format.MessageToDict(request.object),
                }
            )
            return response

    class Mocks(mocks.Mocks):
        # The inputs come back as outputs, nothing else: at preview an output that
        # echoes an input is known and every computed one (an ARN, an id) unknown,
        # as a provider previews a resource that does not exist yet.
        def new_resource(self, args: Any) -> tuple[str, dict]:
            return "", dict(args.inputs)

        def call(self, args: Any) -> tuple[dict, None]:
            return {}, None

    mock = Mocks()
    mocks.set_mocks(
        mock, project=project, stack=STACK, preview=True, monitor=Monitor(mock)
    )

    @pulumi.runtime.test
    def run() -> None:
        runpy.run_path(str(program / "__main__.py"), run_name="__main__")

    sys.path.insert(0, str(program))
    run()
    return {"project": project, "config": config, "resources": captured}


def capture(program: Path) -> dict[str, Any]:
    """Run ``program`` under mocks in a fresh interpreter and return its capture.

    Pulumi's runtime settings are process-global, so every program gets its own.
    """
    completed = subprocess.run(
        [sys.executable, str(Path(__file__)), "capture", str(program)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=program,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"program {program.name} failed under mocks:\n{completed.stderr[-3000:]}"
        )
    return json.loads(completed.stdout.splitlines()[-1])


def capture_all(programs: Iterable[Path]) -> dict[str, dict[str, Any]]:
    programs = list(programs)
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return dict(
            zip(
                (program.name for program in programs),
                pool.map(capture, programs),
                strict=True,
            )
        )


# --- From a capture to what the engine would send ---------------------------------


def _struct(value: Mapping[str, Any]) -> Any:
    from google.protobuf import json_format, struct_pb2

    return json_format.ParseDict(dict(value), struct_pb2.Struct())


@dataclass(frozen=True)
class Captured:
    type: str
    name: str
    urn: str
    inputs: Mapping[str, Any]
    provider: Mapping[str, Any] | None = field(default=None)
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    # Input -> URNs of the resources its value was built from; inputs that were
    # built from none are left out, as the engine leaves them out.
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]


def default_provider(
    package: str, project: str, config: Mapping[str, str]
) -> dict[str, Any]:
    """The default provider the engine registers for ``package``."""
    try:
        release = version(f"pulumi_{package}")
    except Exception:  # noqa: BLE001 - an SDK without metadata: no version input
        release = ""
    name = "default" + ("_" + release.replace(".", "_") if release else "")
    inputs = {
        key.split(":", 1)[1]: value
        for key, value in config.items()
        if key.startswith(f"{package}:")
    }
    if release:
        inputs["version"] = release
    urn = f"urn:pulumi:{STACK}::{project}::{PROVIDER_PREFIX}{package}::{name}"
    return {
        "type": f"{PROVIDER_PREFIX}{package}",
        "name": name,
        "urn": urn,
        "inputs": inputs,
    }


def resources(capture_: Mapping[str, Any]) -> list[Captured]:
    """The custom resources of a capture, each with the provider the engine sends."""
    registered = capture_["resources"]
    providers = {
        item["urn"]: item
        for item in registered
        if item["type"].startswith(PROVIDER_PREFIX)
    }
    found: list[Captured] = []
    for item in registered:
        if not item["custom"] or item["type"].startswith(PROVIDER_PREFIX):
            continue
        reference = item["provider"]
        if reference:
            provider = providers[reference.rsplit("::", 1)[0]]
        else:
            provider = default_provider(
                item["type"].split(":", 1)[0],
                capture_["project"],
                capture_["config"],
            )
        found.append(
            Captured(
                item["type"],
                item["name"],
                item["urn"],
                item["inputs"],
                provider,
                item.get("parent", ""),
                tuple(item.get("dependencies", ())),
                {
                    key: tuple(urns)
                    for key, urns in item.get("propertyDependencies", {}).items()
                    if urns
                },
            )
        )
    return found


def _provider(resource: Captured) -> Any:
    from pulumi.runtime.proto import analyzer_pb2 as apb

    assert resource.provider is not None
    return apb.AnalyzerProviderResource(
        type=resource.provider["type"],
        name=resource.provider["name"],
        urn=resource.provider["urn"],
        properties=_struct(resource.provider["inputs"]),
    )


def analyze_request(resource: Captured, inputs: Mapping[str, Any] | None = None) -> Any:
    """What the engine sends to Analyze and Remediate (``inputs`` to replace)."""
    from pulumi.runtime.proto import analyzer_pb2 as apb

    request = apb.AnalyzeRequest(
        type=resource.type,
        name=resource.name,
        urn=resource.urn,
        properties=_struct(resource.inputs if inputs is None else inputs),
    )
    if resource.provider is not None:
        request.provider.CopyFrom(_provider(resource))
    return request


def stack_request(found: Iterable[Captured]) -> Any:
    """What the engine sends to AnalyzeStack at the end of a preview.

    The engine sends each resource's outputs. Previewing a create, a provider's
    outputs are its inputs plus computed values that are unknown (an ARN, an id),
    so the inputs stand for them here, with the parent, dependencies and property
    dependencies the program registered and the provider it was registered with.
    """
    from pulumi.runtime.proto import analyzer_pb2 as apb

    sent = []
    for resource in found:
        item = apb.AnalyzerResource(
            type=resource.type,
            name=resource.name,
            urn=resource.urn,
            properties=_struct(resource.inputs),
            parent=resource.parent,
            dependencies=list(resource.dependencies),
        )
        for key, urns in resource.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(urns)
        if resource.provider is not None:
            item.provider.CopyFrom(_provider(resource))
        sent.append(item)
    return apb.AnalyzeStackRequest(resources=sent)


# --- The real pack, over gRPC ----------------------------------------------------


class Pack:
    """The policy pack as a subprocess, started as the engine starts it."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        import grpc
        from pulumi.runtime.proto import analyzer_pb2_grpc

        # Only what the test says: no policy file from the caller's environment,
        # and none of the engine's PULUMI_* settings (the pack needs none).
        environment = {
            key: value
            for key, value in os.environ.items()
            if key != "AI_COST_POLICY_CONFIG" and not key.startswith("PULUMI_")
        }
        environment.update(env or {})
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PACK_DIR)],
            cwd=PACK_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        try:
            port = self._read_port(timeout=60)
            self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self.channel).result(timeout=30)
            self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        except BaseException:
            self.stop()
            raise

    def _read_port(self, timeout: float) -> int:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            raise RuntimeError(f"the pack did not print its port:\n{self.errors()}")
        return int(line)

    def errors(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self) -> None:
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
        if self.process.poll() is None:
            # SIGINT is the pack's clean exit (engines.md §7); it never exits alone.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Pack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # The Analyzer calls.

    def info(self) -> Any:
        from google.protobuf import empty_pb2

        return self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def plugin_info(self) -> Any:
        from google.protobuf import empty_pb2

        return self.stub.GetPluginInfo(empty_pb2.Empty())

    def configure(
        self,
        levels: Mapping[str, str],
        properties: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Configure every policy in ``levels``, always with an explicit level.

        A PolicyConfig without one is ADVISORY (enum 0), silently (engines.md §7).
        """
        from pulumi.runtime.proto import analyzer_pb2 as apb

        properties = properties or {}
        self.stub.Configure(
            apb.ConfigureAnalyzerRequest(
                policyConfig={
                    name: apb.PolicyConfig(
                        enforcementLevel=apb.EnforcementLevel.Value(level.upper()),
                        properties=_struct(properties.get(name, {})),
                    )
                    for name, level in levels.items()
                }
            )
        )

    def configure_stack(self, tags: Mapping[str, str]) -> None:
        """What the engine sends before analysing a stack: its name and tags."""
        from pulumi.runtime.proto import analyzer_pb2 as apb

        self.stub.ConfigureStack(
            apb.AnalyzerStackConfigureRequest(
                stack="test",
                project="fixtures",
                organization="org",
                dry_run=True,
                tags=dict(tags),
            )
        )

    def analyze(self, request: Any) -> Any:
        return self.stub.Analyze(request)

    def remediate(self, request: Any) -> Any:
        return self.stub.Remediate(request)

    def analyze_stack(self, request: Any) -> Any:
        return self.stub.AnalyzeStack(request)


def default_levels(info: Any) -> dict[str, str]:
    from pulumi.runtime.proto import analyzer_pb2 as apb

    return {
        policy.name: apb.EnforcementLevel.Name(policy.enforcementLevel).lower()
        for policy in info.policies
    }


# --- From the pack's answers back to verdicts ------------------------------------


def diagnostics(response: Any) -> list[tuple[str, str, str]]:
    """(policy, level, message) of every diagnostic in an Analyze response."""
    from pulumi.runtime.proto import analyzer_pb2 as apb

    return [
        (d.policyName, apb.EnforcementLevel.Name(d.enforcementLevel), d.message)
        for d in response.diagnostics
    ]


def _said(message: str) -> str:
    """A violation's message without the policy description pulumi-policy adds."""
    return message.split("\n", 1)[1] if "\n" in message else message


def _verdict(found: list[str]) -> str:
    # A rule with more than one answer gets a verdict naming them all, so the
    # comparison shows it.
    return found[0] if len(found) == 1 else " + ".join(found) or "passed"


def verdicts(response: Any, rules: Mapping[str, str]) -> dict[str, str]:
    """rule ID -> verdict of one Analyze, read back through DESIGN.md's mapping.

    ``rules`` maps each rule's policy name to its rule ID. A not-applicable that
    leaves the verdict to the rule's stack policy reads ``deferred``.
    """
    answers: dict[str, list[str]] = {rule: [] for rule in rules.values()}
    for policy, level, message in diagnostics(response):
        if policy in rules:
            answers[rules[policy]].append(VERDICT_OF_LEVEL[level])
        elif policy == UNKNOWN_POLICY:
            for name, rule in rules.items():
                if _said(message).startswith(f"[{name}]"):
                    answers[rule].append("warning")
        else:
            raise AssertionError(f"diagnostic from an unexpected policy: {policy}")
    for item in response.not_applicable:
        if item.policy_name in rules:
            deferred = item.reason.startswith(
                DEFERRED.format(policy=item.policy_name + STACK_SUFFIX)
            )
            answers[rules[item.policy_name]].append(
                "deferred" if deferred else "not-applicable"
            )
    return {rule: _verdict(found) for rule, found in answers.items()}


def stack_verdicts(
    response: Any, rules: Mapping[str, str]
) -> dict[tuple[str, str], str]:
    """(URN, rule ID) -> verdict of what the stack policies reported.

    A stack policy reports a pass by saying nothing, so only failures and warnings
    appear here.
    """
    from pulumi.runtime.proto import analyzer_pb2 as apb

    by_policy = {name + STACK_SUFFIX: rule for name, rule in rules.items()}
    answers: dict[tuple[str, str], list[str]] = {}
    for item in response.diagnostics:
        level = apb.EnforcementLevel.Name(item.enforcementLevel)
        assert "can't run policy" not in item.message, item.message
        if item.policyName in by_policy:
            rule, verdict = by_policy[item.policyName], VERDICT_OF_LEVEL[level]
        elif item.policyName == UNKNOWN_STACK_POLICY:
            named = [
                by_policy[name]
                for name in by_policy
                if _said(item.message).startswith(f"[{name}]")
            ]
            assert len(named) == 1, item.message
            rule, verdict = named[0], "warning"
        else:
            raise AssertionError(f"unexpected stack policy: {item.policyName}")
        answers.setdefault((item.urn, rule), []).append(verdict)
    return {key: _verdict(found) for key, found in answers.items()}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "capture":
        result = _capture_in_process(Path(sys.argv[2]).resolve())
        sys.stdout.flush()
        print(json.dumps(result))
    else:
        sys.exit("usage: pulumi_harness.py capture <program dir>")


# --- Verdicts as the tests compare them --------------------------------------------

FIXTURE_POLICY = REPO / "terraform_fixtures" / "ai-cost-policy.yaml"
RULE_POLICIES = {
    "ai-required-cost-tags": "CKV_AICOST_1",
    "ai-approved-model": "CKV_AICOST_2",
    "ai-model-cost-tag": "CKV_AICOST_3",
}


def catalog_entry(resource_type: str) -> Any:
    """The catalog entry of a type token, version-suffixed azure-native ones too."""
    from ai_cost_policy.pulumi_inputs import entry_for

    return entry_for(load_catalog(), resource_type)[0]


def address(resource_type: str, name: str) -> str:
    entry = catalog_entry(resource_type)
    assert entry is not None, resource_type
    return f"{entry.terraform_type}.{name}"


def configure(
    pack: Pack,
    levels: dict[str, str],
    policy_file: Path = FIXTURE_POLICY,
    changed_levels: dict[str, str] | None = None,
    **properties: object,
) -> None:
    """Every policy configured as the CLI does: a level each, the same properties."""
    pack.configure(
        {**levels, **(changed_levels or {})},
        {name: {"policyFile": str(policy_file), **properties} for name in levels},
    )


def judge(pack: Pack, capture_: dict) -> dict[tuple[str, str], str]:
    """(address, rule ID) -> the pack's verdict on a program, as a preview gives it.

    Each resource is sent to Remediate and Analyze, then the whole stack to
    AnalyzeStack. What a stack policy reports on a resource is its verdict for that
    rule; where its resource policy left the verdict to the stack policy and the
    stack policy said nothing, the resource passed.
    """
    found: dict[tuple[str, str], str] = {}
    urns: dict[tuple[str, str], str] = {}
    sent = resources(capture_)
    for resource in sent:
        # The engine asks for remediations first; at the default levels no policy
        # remediates.
        assert list(pack.remediate(analyze_request(resource)).remediations) == []
        response = pack.analyze(analyze_request(resource))
        for _, _, message in diagnostics(response):
            assert "can't run policy" not in message, message
        said = verdicts(response, RULE_POLICIES)
        if catalog_entry(resource.type) is None:
            # Not an AI resource: Terraform reports nothing on it either.
            assert set(said.values()) == {"not-applicable"}, (resource.name, said)
            continue
        for rule, verdict in said.items():
            key = (address(resource.type, resource.name), rule)
            found[key], urns[key] = verdict, resource.urn

    stack = stack_verdicts(pack.analyze_stack(stack_request(sent)), RULE_POLICIES)
    for key, verdict in found.items():
        said = stack.pop((urns[key], key[1]), None)
        if said is not None:
            found[key] = said
        elif verdict == "deferred":
            found[key] = "passed"
    assert stack == {}, f"stack verdicts on resources not sent: {stack}"
    return found
