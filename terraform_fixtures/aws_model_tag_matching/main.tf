# The model tag must name the model actually used. A near neighbour
# (claude-3-haiku on a claude-3-5-haiku agent) never matches; a tag written in
# another form of the same model (geo-prefixed system profile ID, foundation-model
# ARN) normalises to the same canonical ID and matches.
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

resource "aws_bedrockagent_agent" "fail_neighbour_model_tag" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-5-haiku-20241022-v1:0"

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_agent" "pass_geo_prefixed_model_tag" {
  agent_name              = "search"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"

  tags = { ai-model = "us.anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_agent" "pass_arn_model_tag_on_global_profile" {
  agent_name              = "planner"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = "global.anthropic.claude-sonnet-4-20250514-v1:0"

  tags = { ai-model = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0" }
}
