# References whose instance key is an expression. Terraform records
# `aws_bedrock_inference_profile.by_key[each.key].arn` in a plan's configuration as
# the references "aws_bedrock_inference_profile.by_key" and "each.key", without the
# key; the profile's ARN is known only after apply. Each agent runs the model of the
# profile with its own key (for_each over the same keys, count over the same
# indexes), or of the only instance there is. The agent fail_llama runs a model the
# policy does not approve; every agent's ai-model tag must name its profile's model.
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
  foundation_models = "arn:aws:bedrock:us-east-1::foundation-model"

  models_by_key = {
    pass_haiku = "anthropic.claude-3-haiku-20240307-v1:0"
    fail_llama = "meta.llama3-2-11b-instruct-v1:0"
  }

  models_by_index = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
  ]

  chat_key = "chat"

  cost_tags = {
    cost-center = "cc-1234"
    owner       = "ml-platform"
  }
}

resource "aws_bedrock_inference_profile" "by_key" {
  for_each = local.models_by_key

  name = "profile-${each.key}"
  model_source {
    copy_from = "${local.foundation_models}/${each.value}"
  }
  tags = merge(local.cost_tags, { ai-model = each.value })
}

resource "aws_bedrockagent_agent" "by_key" {
  for_each = local.models_by_key

  agent_name              = "agent-${replace(each.key, "_", "-")}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_inference_profile.by_key[each.key].arn
  tags                    = merge(local.cost_tags, { ai-model = each.value })
}

resource "aws_bedrock_inference_profile" "pass_by_index" {
  count = length(local.models_by_index)

  name = "profile-indexed-${count.index}"
  model_source {
    copy_from = "${local.foundation_models}/${local.models_by_index[count.index]}"
  }
  tags = merge(local.cost_tags, { ai-model = local.models_by_index[count.index] })
}

resource "aws_bedrockagent_agent" "pass_by_index" {
  count = length(local.models_by_index)

  agent_name              = "agent-indexed-${count.index}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_inference_profile.pass_by_index[count.index].arn
  tags = merge(local.cost_tags, { ai-model = local.models_by_index[count.index] })
}

resource "aws_bedrock_inference_profile" "pass_only_profile" {
  for_each = toset([local.chat_key])

  name = "profile-${each.key}"
  model_source {
    copy_from = "${local.foundation_models}/anthropic.claude-3-haiku-20240307-v1:0"
  }
  tags = merge(local.cost_tags, { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" })
}

# The key is a local value, not this agent's own key: the profile has a single
# instance, so that is the one meant.
resource "aws_bedrockagent_agent" "pass_through_only_profile" {
  agent_name              = "agent-chat"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_inference_profile.pass_only_profile[local.chat_key].arn
  tags = merge(local.cost_tags, { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" })
}
