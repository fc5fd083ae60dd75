"""Twin of terraform_fixtures/agent_merge_unknown_variable.

The team's tags come from another stack, so they are unknown during preview, and
so is the whole tags map they are merged into: `owner` may or may not come from
them. That is unknown, not missing.
"""

import pulumi
import pulumi_aws as aws

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"

config = pulumi.Config()
cost_center = config.get("costCenter") or "cc-1234"
team_tags = pulumi.StackReference("ai-cost-policy/team-tags/prod").get_output(
    "teamTags"
)

aws.bedrock.AgentAgent(
    "warn_merge_unknown",
    agent_name="support",
    agent_resource_role_arn="arn:aws:iam::111122223333:role/bedrock-agent",
    foundation_model=MODEL_ID,
    tags=team_tags.apply(
        lambda team: {**(team or {}), "cost-center": cost_center, "ai-model": MODEL_ID}
    ),
)
