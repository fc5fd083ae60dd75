"""Twin of terraform_fixtures/aws_application_inference_profile.

Two agents run their model through an application inference profile of the same
stack (`foundation_model=profile.arn`): during preview that ARN is unknown, so only
the stack policies, which see the profile too, can tell which model the agent runs.
A third agent names a profile by a literal ARN that no resource here creates: its
model stays unknown and `unknown: warn` decides. Cost tags come from the default
provider's `aws:defaultTags` (Pulumi.test.yaml).
"""

import pulumi_aws as aws

ROLE_ARN = "arn:aws:iam::111122223333:role/bedrock-agent"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
LLAMA_VISION = "meta.llama3-2-11b-instruct-v1:0"

team_profile = aws.bedrock.InferenceProfile(
    "pass_team_profile",
    name="support-haiku",
    model_source=aws.bedrock.InferenceProfileModelSourceArgs(
        copy_from=f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
    ),
    tags={"ai-model": HAIKU},
)

aws.bedrock.AgentAgent(
    "pass_agent_through_profile",
    agent_name="support",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=team_profile.arn,
    tags={"ai-model": HAIKU},
)

vision_profile = aws.bedrock.InferenceProfile(
    "fail_unapproved_profile",
    name="vision-llama",
    model_source=aws.bedrock.InferenceProfileModelSourceArgs(
        copy_from=(
            "arn:aws:bedrock:us-east-1:111122223333:inference-profile/"
            f"us.{LLAMA_VISION}"
        ),
    ),
    tags={"ai-model": LLAMA_VISION},
)

aws.bedrock.AgentAgent(
    "fail_agent_through_unapproved_profile",
    agent_name="vision",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=vision_profile.arn,
    tags={"ai-model": LLAMA_VISION},
)

aws.bedrock.AgentAgent(
    "warn_literal_application_profile_arn",
    agent_name="shared-profile",
    agent_resource_role_arn=ROLE_ARN,
    foundation_model=(
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/"
        "5dews3o6kky6"
    ),
    tags={"ai-model": HAIKU},
)
