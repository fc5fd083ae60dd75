"""Twin of terraform_fixtures/aws_near_miss_tag_keys.

Near-miss tag keys: `CostCenter` and `cost_center` do not satisfy the required
`cost-center`, and `ai_model` is not the model tag `ai-model` (keys are
case-sensitive and exact); each failure names the near miss with "did you mean".
The owner comes from secret stack config: a secret tag value counts like any other
and never appears in a message.
"""

import pulumi
import pulumi_aws as aws

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
ROLE_ARN = "arn:aws:iam::111122223333:role/bedrock-agent"

owner = pulumi.Config().require_secret("owner")

aws.bedrock.AgentAgent(
    "fail_camel_case_cost_center",
    agent_name="support",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    tags={"CostCenter": "cc-1234", "owner": owner, "ai-model": MODEL_ID},
)

aws.bedrock.AgentAgent(
    "fail_snake_case_cost_center",
    agent_name="search",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    tags={"cost_center": "cc-1234", "owner": owner, "ai-model": MODEL_ID},
)

aws.bedrock.AgentAgent(
    "fail_snake_case_model_tag",
    agent_name="triage",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=MODEL_ID,
    tags={"cost-center": "cc-1234", "owner": owner, "ai_model": MODEL_ID},
)
