# The model is written as a geo-prefixed system inference profile ARN; it normalises
# to meta.llama3-2-1b-instruct-v1:0, which the policy does not approve.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      cost-center = "cc-2001"
      owner       = "search-team"
    }
  }
}

resource "aws_bedrockagent_agent" "fail_unapproved_model" {
  agent_name              = "summariser"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.meta.llama3-2-1b-instruct-v1:0"

  tags = {
    ai-model = "meta.llama3-2-1b-instruct-v1:0"
  }
}
