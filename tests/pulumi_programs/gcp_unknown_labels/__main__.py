"""Twin of terraform_fixtures/gcp_unknown_labels.

Labels a preview cannot show. Where Terraform merges a variable that has no value,
this program merges the labels the team's project ends up with (`effective_labels`,
computed by the provider, so unknown until the project exists); where Terraform
reads a data source, it reads the same computed output, because Pulumi resolves
data-source calls during preview. A label written with another resource's computed
output as its value is known to be there.

Pulumi merges inside `Output.apply`, so a map merged with an unknown one is unknown
as a whole during preview, including the keys written next to it: the divergences
this causes are declared in the Terraform twin's expected.yaml.
"""

import pulumi_gcp as gcp

GENERATION_MODEL = (
    "projects/acme-ml-prod/locations/us-central1/publishers/google/models/"
    "gemini-2.5-pro"
)

team = gcp.organizations.Project(
    "team",
    project_id="acme-research",
    name="acme-research",
    org_id="123456789",
    labels={"owner": "research-ai"},
)
team_labels = team.effective_labels
ranking = gcp.serviceaccount.Account(
    "ranking", account_id="ranking-agent", display_name="Ranking agent"
)


def memory() -> dict:
    return {"memory_bank_config": {"generation_config": {"model": GENERATION_MODEL}}}


gcp.vertex.AiReasoningEngine(
    "warn_owner_may_come_from_var",
    display_name="research-agent",
    region="us-central1",
    context_spec=memory(),
    labels=team_labels.apply(
        lambda labels: {
            **(labels or {}),
            "cost-center": "cc-7000",
            "ai-model": "gemini-2_5-pro",
        }
    ),
)

gcp.vertex.AiReasoningEngine(
    "warn_model_label_may_come_from_var",
    display_name="planning-agent",
    region="us-central1",
    context_spec=memory(),
    labels=team_labels.apply(
        lambda labels: {
            **(labels or {}),
            "cost-center": "cc-7000",
            "owner": "planning-ai",
        }
    ),
)

gcp.vertex.AiEndpoint(
    "pass_owner_from_attribute",
    name="7001",
    display_name="ranking",
    location="us-central1",
    labels={"cost-center": "cc-7000", "owner": ranking.unique_id},
)

gcp.vertex.AiEndpoint(
    "warn_cost_center_from_data_source",
    name="7002",
    display_name="ranking-shadow",
    location="us-central1",
    labels={
        "cost-center": team_labels.apply(lambda labels: (labels or {})["cost-center"]),
        "owner": "ranking-team",
    },
)

gcp.vertex.AiEndpoint(
    "fail_known_part_violates",
    name="7003",
    display_name="ranking-canary",
    location="us-central1",
    labels=team_labels.apply(
        lambda labels: {**(labels or {}), "cost-center": "finance"}
    ),
)
