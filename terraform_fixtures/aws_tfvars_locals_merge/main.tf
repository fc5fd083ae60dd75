# Tags and the model come from terraform.tfvars, locals and merge(); all of them are
# known from the code. `owner` exists only in terraform.tfvars (inside
# var.team_tags, which has no default); terraform.tfvars also overrides the
# defaults of cost_center ("unset") and model_id (an unapproved model), and gives
# legacy_cost_center a value that breaks the cost-center pattern.
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
  default = "unset"
}

variable "legacy_cost_center" {
  type = string
}

variable "model_id" {
  type    = string
  default = "meta.llama3-1-70b-instruct-v1:0"
}

locals {
  cost_tags = merge(var.team_tags, { cost-center = var.cost_center })
  model_tag = { ai-model = var.model_id }
}

resource "aws_bedrockagent_agent" "pass_tfvars_locals_merge" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = merge(local.cost_tags, local.model_tag)
}

resource "aws_bedrockagent_agent" "pass_literal_tag_matches_tfvars_model" {
  agent_name              = "search"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = merge(local.cost_tags, {
    ai-model = "anthropic.claude-sonnet-4-20250514-v1:0"
  })
}

resource "aws_bedrockagent_agent" "fail_tfvars_cost_center_pattern" {
  agent_name              = "legacy"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = merge(var.team_tags, { cost-center = var.legacy_cost_center }, local.model_tag)
}
