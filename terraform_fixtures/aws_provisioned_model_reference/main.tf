# Agents that run on provisioned throughput name it by its provisioned model ARN,
# which says nothing about the model. The model is the one the throughput was
# bought for (its model_arn, context suffix and all), read through the reference.
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

resource "aws_bedrock_provisioned_model_throughput" "pass_haiku_throughput" {
  provisioned_model_name = "haiku-200k"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k"
  model_units            = 1
  commitment_duration    = "OneMonth"

  tags = {
    ai-model = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

resource "aws_bedrock_provisioned_model_throughput" "fail_llama_throughput" {
  provisioned_model_name = "llama-128k"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-70b-instruct-v1:0:128k"
  model_units            = 1

  tags = {
    ai-model = "meta.llama3-1-70b-instruct-v1:0"
  }
}

resource "aws_bedrockagent_agent" "pass_agent_on_haiku_throughput" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_provisioned_model_throughput.pass_haiku_throughput.provisioned_model_arn

  tags = {
    ai-model = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

# Approval follows the throughput's model: llama is not on the list.
resource "aws_bedrockagent_agent" "fail_agent_on_llama_throughput" {
  agent_name              = "research"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = aws_bedrock_provisioned_model_throughput.fail_llama_throughput.provisioned_model_arn

  tags = {
    ai-model = "meta.llama3-1-70b-instruct-v1:0"
  }
}
