"""Twin of terraform_fixtures/agent_unapproved_geo_profile_arn.

The model is written as a geo-prefixed system inference profile ARN; it normalises
to meta.llama3-2-1b-instruct-v1:0, which the policy does not approve. The cost tags
come from the default provider's `aws:defaultTags` (Pulumi.test.yaml), the twin of
the Terraform default provider's `default_tags`.
"""

import pulumi_aws as aws

aws.bedrock.AgentAgent(
    "fail_unapproved_model",
    agent_name="summariser",
    agent_resource_role_arn="arn:aws:iam::111122223333:role/bedrock-agent",
    foundation_model=(
        "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/"
        "eu.meta.llama3-2-1b-instruct-v1:0"
    ),
    tags={"ai-model": "meta.llama3-2-1b-instruct-v1:0"},
)
