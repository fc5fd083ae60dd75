# Near-miss tag keys: `CostCenter` and `cost_center` do not satisfy the required
# `cost-center`, and `ai_model` is not the model tag `ai-model` (keys are
# case-sensitive and exact); each failure names the near miss with "did you mean".
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

resource "aws_bedrockagent_agent" "fail_camel_case_cost_center" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = {
    CostCenter = "cc-1234"
    owner      = "ml-platform"
    ai-model   = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

resource "aws_bedrockagent_agent" "fail_snake_case_cost_center" {
  agent_name              = "search"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = {
    cost_center = "cc-1234"
    owner       = "ml-platform"
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

resource "aws_bedrockagent_agent" "fail_snake_case_model_tag" {
  agent_name              = "triage"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = {
    cost-center = "cc-1234"
    owner       = "ml-platform"
    ai_model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}
