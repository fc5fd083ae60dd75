"""The Checkov side of ai-cost-policy: one base class shared by the three checks.

Checkov's own rendering of a resource drops what it cannot resolve (an unknown
``merge()`` argument, provider ``default_tags``), so the checks do not judge
Checkov's ``conf``. They find the root module (or plan file) the resource belongs
to, resolve it with the ai-cost-policy core, and return the core's verdict for the
resource's address. The verdict is mapped so that Checkov never drops it: Checkov
silently omits UNKNOWN results and checks that raise, so these checks do neither.

This file registers no check; it only holds the shared class. Its name is unique
because Checkov imports external check files by bare file name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.checkov_support import (
    Verdicts,
    analysis_for_plan,
    analysis_for_root_module,
)
from ai_cost_policy.rules import Finding, Rule


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


class AICostCheck(BaseResourceCheck):
    rule: ClassVar[Rule]

    def __init__(self) -> None:
        super().__init__(
            name=self.rule.title,
            id=self.rule.id,
            categories=[CheckCategories.AI_AND_ML],
            supported_resources=list(load_catalog().terraform_types),
            guideline=self.rule.docs_url(),
        )
        self.severity = Severities[BcSeverities.HIGH]

    def run(
        self,
        scanned_file: str,
        entity_configuration: dict[str, Any],
        entity_name: str,
        entity_type: str,
        skip_info: Any,
    ) -> Any:
        # Addresses repeat across root modules (every team has its `agent`); the
        # file Checkov is scanning tells their resources apart in its graph.
        self._scanned_file = scanned_file
        return super().run(
            scanned_file, entity_configuration, entity_name, entity_type, skip_info
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        try:
            finding = self._finding(conf)
        except Exception as error:  # noqa: BLE001 - a raising check vanishes
            self.severity = Severities[BcSeverities.HIGH]
            self.details = [
                f"ai-cost-policy could not judge this resource "
                f"({type(error).__name__}); it fails so that it is not lost"
            ]
            return CheckResult.FAILED
        return self._result(finding)

    def _finding(self, conf: dict[str, Any]) -> Finding:
        address = str(_first(conf.get("__address__", "")))
        plan_file = _first(conf.get("__file__"))
        if isinstance(plan_file, str) and plan_file.endswith(".json"):
            verdicts: Verdicts = analysis_for_plan(Path(plan_file))
        else:
            verdicts = analysis_for_root_module(self._root_module(address))
        return verdicts.finding(self.rule.id, address, self.entity_type)

    def _root_module(self, address: str) -> Path:
        """The directory of the root module, found through Checkov's graph."""
        vertex = _vertex(self.graph, address, getattr(self, "_scanned_file", ""))
        if vertex is None:
            raise LookupError("resource not found in Checkov's graph")
        caller = vertex.get("source_module_object_")
        path = vertex["file_path_"]
        while caller:
            module = _module_fields(caller)
            path = module["path"]
            caller = module.get("nested_tf_module")
        return Path(os.path.dirname(path))

    def _result(self, finding: Finding) -> CheckResult:
        self.severity = Severities[
            BcSeverities.LOW if finding.severity == "LOW" else BcSeverities.HIGH
        ]
        if finding.verdict == "failed":
            self.details = [finding.message, *finding.details]
            return CheckResult.FAILED
        if finding.verdict == "warning":
            self.details = [f"WARN {finding.message}", *finding.details]
            return CheckResult.FAILED
        if finding.verdict == "not-applicable":
            self.details = [f"NOT APPLICABLE {finding.message}"]
        else:
            self.details = [finding.message, *finding.details]
        return CheckResult.PASSED


def _module_fields(module: Any) -> dict[str, Any]:
    """Checkov hands the calling module as JSON text, a dict or its TFModule object."""
    if isinstance(module, str):
        return json.loads(module)
    if isinstance(module, dict):
        return module
    return dict(module)


def _vertex(graph: Any, address: str, scanned_file: str) -> dict[str, Any] | None:
    """The graph's resource at ``address`` in ``scanned_file``.

    Checkov names the scanned file relative to the scanned directory ("/team-b/
    main.tf", or as given with -f); the graph holds absolute paths.
    """
    if graph is None:
        return None
    found = []
    for node in graph.nodes():
        attributes = node[1] if isinstance(node, tuple) else node
        if (
            attributes.get("block_type_") == "resource"
            and attributes.get("__address__") == address
        ):
            found.append(attributes)
    suffix = os.path.normpath(scanned_file).lstrip(os.sep) if scanned_file else ""
    in_file = [
        attributes
        for attributes in found
        if suffix
        and os.path.normpath(str(attributes.get("file_path_", ""))).endswith(
            os.sep + suffix
        )
    ]
    if in_file:
        return in_file[0]
    return found[0] if found else None
