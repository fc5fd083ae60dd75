"""Twin of terraform_fixtures/agent_aliased_provider_default_tags.

Tags come only from the default tags of an explicit provider. The agent that uses
it is fully tagged; the one on the default provider gets nothing from it.
"""

import pulumi
import pulumi_aws as aws

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
ROLE_ARN = "arn:aws:iam::111122223333:role/bedrock-agent"

finops = aws.Provider(
    "finops",
    region="us-east-1",
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={
            "cost-center": "cc-1234",
            "owner": "ml-platform",
            "ai-model": MODEL_ID,
        }
    ),
)

aws.bedrock.AgentAgent(
    "pass_alias",
    agent_name="support",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    opts=pulumi.ResourceOptions(provider=finops),
)

aws.bedrock.AgentAgent(
    "fail_default_provider",
    agent_name="triage",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
)
