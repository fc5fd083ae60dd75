# Application inference profiles. An agent whose foundation_model refers to an
# aws_bedrock_inference_profile in view runs the model the profile copies from
# (model_source.copy_from, a foundation-model ARN or a system profile ARN), so that
# model is judged on the agent too. An agent with a literal application inference
# profile ARN names no model: the model is unknown and `unknown: warn` decides.
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

  default_tags {
    tags = {
      cost-center = "cc-1234"
      owner       = "ml-platform"
    }
  }
}

resource "aws_bedrock_inference_profile" "pass_team_profile" {
  name = "support-haiku"

  model_source {
    copy_from = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
  }

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_agent" "pass_agent_through_profile" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_inference_profile.pass_team_profile.arn

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrock_inference_profile" "fail_unapproved_profile" {
  name = "vision-llama"

  model_source {
    copy_from = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.meta.llama3-2-11b-instruct-v1:0"
  }

  tags = { ai-model = "meta.llama3-2-11b-instruct-v1:0" }
}

resource "aws_bedrockagent_agent" "fail_agent_through_unapproved_profile" {
  agent_name              = "vision"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_inference_profile.fail_unapproved_profile.arn

  tags = { ai-model = "meta.llama3-2-11b-instruct-v1:0" }
}

resource "aws_bedrockagent_agent" "warn_literal_application_profile_arn" {
  agent_name              = "shared-profile"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/5dews3o6kky6"

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}
