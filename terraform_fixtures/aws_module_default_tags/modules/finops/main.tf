# Sets no tags: every tag comes from the default_tags of the provider the caller
# maps to `aws` (aws.finops).
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_bedrockagent_agent" "pass_alias_default_tags" {
  agent_name              = "billing-assistant"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}
