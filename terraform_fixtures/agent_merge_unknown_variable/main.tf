# `team_tags` has no default and no tfvars: its keys cannot be seen from the code,
# so `owner` may or may not come from it. That is unknown, not missing.
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

variable "team_tags" {
  type = map(string)
}

variable "cost_center" {
  type    = string
  default = "cc-1234"
}

resource "aws_bedrockagent_agent" "warn_merge_unknown" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = merge(var.team_tags, {
    cost-center = var.cost_center
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  })
}
