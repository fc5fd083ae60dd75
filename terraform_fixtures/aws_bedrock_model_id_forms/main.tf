# Every Bedrock model-ID form the policy must read, each tagged with the bare model
# ID: a bare ID; system inference profile IDs with each geo prefix (us., eu.,
# apac., global., us-gov.); a foundation-model ARN; a system inference profile ARN;
# a context-suffixed ARN (:200k) and a custom-model ARN on provisioned throughput.
# Then a denied model (*deepseek*, written as a us. profile), an unapproved model,
# and an unapproved base model (with a context suffix) on a custom model.
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

locals {
  role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"

  geo_profiles = {
    us = {
      profile = "us.anthropic.claude-3-5-sonnet-20240620-v1:0"
      model   = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }
    eu = {
      profile = "eu.anthropic.claude-3-haiku-20240307-v1:0"
      model   = "anthropic.claude-3-haiku-20240307-v1:0"
    }
    apac = {
      profile = "apac.anthropic.claude-3-7-sonnet-20250219-v1:0"
      model   = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    }
    global = {
      profile = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
      model   = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    }
    us-gov = {
      profile = "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0"
      model   = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    }
  }
}

resource "aws_bedrockagent_agent" "pass_bare_model_id" {
  agent_name              = "bare"
  agent_resource_role_arn = local.role_arn
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_agent" "pass_geo_profile_id" {
  for_each = local.geo_profiles

  agent_name              = "router-${each.key}"
  agent_resource_role_arn = local.role_arn
  foundation_model        = each.value.profile

  tags = { ai-model = each.value.model }
}

resource "aws_bedrockagent_agent" "pass_foundation_model_arn" {
  agent_name              = "fm-arn"
  agent_resource_role_arn = local.role_arn
  foundation_model        = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0"

  tags = { ai-model = "anthropic.claude-3-5-sonnet-20241022-v2:0" }
}

resource "aws_bedrockagent_agent" "pass_system_profile_arn" {
  agent_name              = "profile-arn"
  agent_resource_role_arn = local.role_arn
  foundation_model        = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"

  tags = { ai-model = "anthropic.claude-sonnet-4-20250514-v1:0" }
}

resource "aws_bedrock_provisioned_model_throughput" "pass_context_suffix_throughput" {
  provisioned_model_name = "haiku-200k"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k"
  model_units            = 1
  commitment_duration    = "OneMonth"

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrock_provisioned_model_throughput" "pass_custom_model_throughput" {
  provisioned_model_name = "haiku-tuned"
  model_arn              = "arn:aws:bedrock:us-east-1:111122223333:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/ly16hhi765j4"
  model_units            = 1

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_agent" "fail_denied_model" {
  agent_name              = "reasoner"
  agent_resource_role_arn = local.role_arn
  foundation_model        = "us.deepseek.r1-v1:0"

  tags = { ai-model = "deepseek.r1-v1:0" }
}

resource "aws_bedrockagent_agent" "fail_unapproved_model" {
  agent_name              = "llama"
  agent_resource_role_arn = local.role_arn
  foundation_model        = "meta.llama3-1-70b-instruct-v1:0"

  tags = { ai-model = "meta.llama3-1-70b-instruct-v1:0" }
}

resource "aws_bedrock_custom_model" "fail_unapproved_base_model" {
  custom_model_name     = "titan-support"
  job_name              = "titan-support-ft-1"
  base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
  role_arn              = "arn:aws:iam::111122223333:role/bedrock-customization"
  customization_type    = "FINE_TUNING"

  hyperparameters = {
    epochCount              = "1"
    batchSize               = "1"
    learningRate            = "0.005"
    learningRateWarmupSteps = "0"
  }

  training_data_config {
    s3_uri = "s3://ml-platform-training/support/train.jsonl"
  }

  output_data_config {
    s3_uri = "s3://ml-platform-training/support/output/"
  }

  tags = { ai-model = "amazon.titan-text-express-v1:0" }
}
