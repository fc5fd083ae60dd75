"""Twin of terraform_fixtures/agent_missing_tag.

`owner` is missing; `Owner` is a near miss that must not count (tags are
case-sensitive) but must be named in the message.
"""

import pulumi_aws as aws

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
ROLE_ARN = "arn:aws:iam::111122223333:role/bedrock-agent"

aws.bedrock.AgentAgent(
    "fail_missing_owner",
    agent_name="support",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    tags={"cost-center": "cc-1234", "Owner": "ml-platform", "ai-model": MODEL_ID},
)

aws.bedrock.AgentAgent(
    "pass_complete",
    agent_name="search",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    tags={"cost-center": "cc-1234", "owner": "ml-platform", "ai-model": MODEL_ID},
)
