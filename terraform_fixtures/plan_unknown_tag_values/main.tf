# Tag values known only after apply. A value taken from another resource's attribute
# (the role's unique_id, terraform_data's output) is unknown until apply, but its key
# is known:
# - on `owner`, a key the policy puts no constraint on, the key is enough: passed,
#   with a line saying the value was not checked;
# - on `cost-center`, whose value must match a pattern, and on the model tag, the
#   verdict depends on the value: `unknown: warn` makes it a warning;
# - in the aliased provider's default_tags, one unknown value makes the provider's
#   whole merged tags_all unknown in the plan; the keys written in the provider block
#   are still there, so `owner` is present.
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
    }
  }
}

provider "aws" {
  alias  = "computed_defaults"
  region = "us-east-1"

  default_tags {
    tags = {
      cost-center = "cc-1234"
      owner       = aws_iam_role.agent.unique_id
    }
  }
}

locals {
  haiku = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_iam_role" "agent" {
  name = "bedrock-agent-support"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
    }]
  })
}

resource "terraform_data" "model_choice" {
  input = local.haiku
}

resource "aws_bedrockagent_agent" "pass_owner_known_after_apply" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = local.haiku

  tags = {
    owner    = aws_iam_role.agent.unique_id
    ai-model = local.haiku
  }
}

resource "aws_bedrockagent_agent" "warn_cost_center_known_after_apply" {
  agent_name              = "billing"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = local.haiku

  tags = {
    cost-center = aws_iam_role.agent.unique_id
    owner       = "ml-platform"
    ai-model    = local.haiku
  }
}

resource "aws_bedrockagent_agent" "warn_model_tag_known_after_apply" {
  agent_name              = "triage"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = local.haiku

  tags = {
    owner    = "ml-platform"
    ai-model = terraform_data.model_choice.output
  }
}

resource "aws_bedrockagent_agent" "pass_default_tag_known_after_apply" {
  provider                = aws.computed_defaults
  agent_name              = "search"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = local.haiku

  tags = {
    ai-model = local.haiku
  }
}
