# Tags come only from the default_tags of an aliased provider. The agent that uses
# the alias is fully tagged; the one on the default provider gets nothing from it.
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

provider "aws" {
  alias  = "finops"
  region = "us-east-1"

  default_tags {
    tags = {
      cost-center = "cc-1234"
      owner       = "ml-platform"
      ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
    }
  }
}

resource "aws_bedrockagent_agent" "pass_alias" {
  provider                = aws.finops
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_bedrockagent_agent" "fail_default_provider" {
  agent_name              = "triage"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}
