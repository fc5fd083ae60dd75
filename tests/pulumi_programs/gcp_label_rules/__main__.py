"""Twin of terraform_fixtures/gcp_label_rules.

GCP labels: the provider's default labels supply cost-center, the resource's labels
the rest, and a resource label wins over a default. Label values cannot hold `.` or
`/`, so the model label is compared in label-safe form: `gemini-2_5-flash` names
google/gemini-2.5-flash, while `gemini-2_5-flash-lite` is another model. `Owner`
(upper case) is a near miss of `owner`; `goog-*` system labels are ignored.
"""

import pulumi
import pulumi_gcp as gcp

GENERATION_MODEL = (
    "projects/acme-ml-prod/locations/us-central1/publishers/google/models/"
    "gemini-2.5-flash"
)

labelled = gcp.Provider(
    "labelled",
    project="acme-ml-prod",
    region="us-central1",
    default_labels={"cost-center": "cc-6100"},
)
on_labelled = pulumi.ResourceOptions(provider=labelled)


def memory(model: str) -> dict:
    return {"memory_bank_config": {"generation_config": {"model": model}}}


gcp.vertex.AiReasoningEngine(
    "pass_default_and_resource_labels",
    display_name="support-agent",
    region="us-central1",
    context_spec=memory(GENERATION_MODEL),
    labels={
        "owner": "support-ai",
        "ai-model": "gemini-2_5-flash",
        "goog-terraform-provisioned": "true",
    },
    opts=on_labelled,
)

gcp.vertex.AiReasoningEngine(
    "fail_label_overrides_default",
    display_name="billing-agent",
    region="us-central1",
    context_spec=memory(GENERATION_MODEL),
    labels={
        "cost-center": "finance",
        "owner": "billing-ai",
        "ai-model": "gemini-2_5-flash",
    },
    opts=on_labelled,
)

gcp.vertex.AiReasoningEngine(
    "fail_model_label_near_neighbour",
    display_name="triage-agent",
    region="us-central1",
    context_spec=memory(GENERATION_MODEL),
    labels={"owner": "triage-ai", "ai-model": "gemini-2_5-flash-lite"},
    opts=on_labelled,
)

gcp.vertex.AiEndpoint(
    "pass_endpoint",
    name="4210",
    display_name="ranking",
    location="us-central1",
    labels={"owner": "ranking-team"},
    opts=on_labelled,
)

gcp.vertex.AiEndpoint(
    "fail_upper_case_owner",
    name="4211",
    display_name="ranking-canary",
    location="us-central1",
    labels={"Owner": "ranking-team", "goog-terraform-provisioned": "true"},
    opts=on_labelled,
)
