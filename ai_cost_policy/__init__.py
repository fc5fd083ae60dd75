"""ai-cost-policy: cost-allocation tags and model governance for AI infrastructure.

The core package is engine-neutral: it imports neither Checkov nor Pulumi. The
Checkov checks (``checks/``) and the Pulumi pack (``pulumi_policies/``) are thin
adapters that turn what their engine sees into :class:`AIResource` objects and ask
the same rules for a verdict.
"""

__version__ = "0.1.0"
