"""Twin of terraform_fixtures/aws_model_tag_matching.

The model tag must name the model actually used. A near neighbour (claude-3-haiku
on a claude-3-5-haiku agent) never matches; a tag written in another form of the
same model (geo-prefixed system profile ID, foundation-model ARN) normalises to the
same canonical ID and matches. Cost tags come from `aws:defaultTags`.
"""

import pulumi_aws as aws

ROLE_ARN = "arn:aws:iam::111122223333:role/bedrock-agent"

aws.bedrock.AgentAgent(
    "fail_neighbour_model_tag",
    agent_name="support",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model="anthropic.claude-3-5-haiku-20241022-v1:0",
    tags={"ai-model": "anthropic.claude-3-haiku-20240307-v1:0"},
)

aws.bedrock.AgentAgent(
    "pass_geo_prefixed_model_tag",
    agent_name="search",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model="anthropic.claude-3-haiku-20240307-v1:0",
    tags={"ai-model": "us.anthropic.claude-3-haiku-20240307-v1:0"},
)

aws.bedrock.AgentAgent(
    "pass_arn_model_tag_on_global_profile",
    agent_name="planner",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model="global.anthropic.claude-sonnet-4-20250514-v1:0",
    tags={
        "ai-model": (
            "arn:aws:bedrock:us-east-1::foundation-model/"
            "anthropic.claude-sonnet-4-20250514-v1:0"
        )
    },
)
