# `owner` is missing; `Owner` is a near miss that must not count (tags are
# case-sensitive) but must be named in the message.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

locals {
  model_id = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_bedrockagent_agent" "fail_missing_owner" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = local.model_id

  tags = {
    cost-center = "cc-1234"
    Owner       = "ml-platform"
    ai-model    = local.model_id
  }
}

resource "aws_bedrockagent_agent" "pass_complete" {
  agent_name              = "search"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = local.model_id

  tags = {
    cost-center = "cc-1234"
    owner       = "ml-platform"
    ai-model    = local.model_id
  }
}
