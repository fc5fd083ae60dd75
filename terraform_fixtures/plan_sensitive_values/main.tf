# Values of `sensitive = true` variables, used for tag values and for the model, are
# judged but never printed by the scan, in any output format, nor said by the
# Checkov checks (Checkov's own code blocks quote the source lines unless run with
# --compact). Every such value here holds the canary "zq7canary", which
# tests/test_plan_cli.py looks for in all output. A plan stores these values in
# clear (variables, after, tags_all) and marks them only in after_sensitive;
# tags_all, computed by the provider, is not marked at all, so the marks of tags
# apply to it too.
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

variable "owner" {
  type      = string
  sensitive = true
  default   = "owner-zq7canary-tag"
}

variable "model_id" {
  type      = string
  sensitive = true
  default   = "anthropic.claude-3-zq7canary-model-v1:0"
}

variable "cost_center" {
  type      = string
  sensitive = true
  default   = "cost-zq7canary-center"
}

variable "denied_model" {
  type      = string
  sensitive = true
  default   = "deepseek.zq7canary-r1-v1:0"
}

locals {
  haiku = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_bedrockagent_agent" "pass_sensitive_owner_and_model" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = {
    cost-center = "cc-1234"
    owner       = var.owner
    ai-model    = var.model_id
  }
}

resource "aws_bedrockagent_agent" "fail_sensitive_cost_center_pattern" {
  agent_name              = "billing"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = local.haiku

  tags = {
    cost-center = var.cost_center
    owner       = "ml-platform"
    ai-model    = local.haiku
  }
}

resource "aws_bedrockagent_agent" "fail_sensitive_model_denied" {
  agent_name              = "research"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.denied_model

  tags = {
    cost-center = "cc-1234"
    owner       = "ml-platform"
    ai-model    = local.haiku
  }
}
