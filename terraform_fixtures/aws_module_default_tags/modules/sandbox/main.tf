# Sets no tags, and the provider the caller maps to `aws` (aws.sandbox) has no
# default_tags: the root provider's default_tags must not leak in.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_bedrockagent_agent" "fail_alias_without_default_tags" {
  agent_name              = "playground"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}
