# Actions in a plan. A plan describes the whole state after apply, so every object it
# leaves in place is judged, whatever the apply does to it. The agent
# fail_unchanged_missing_owner already exists (prior_state.tfstate, which
# generate.sh plans against) and the code leaves it as it is: the plan says no-op,
# and it still fails for its missing owner tag, as it does in the code and in
# Checkov, which reads planned_values. pass_created is created. The state also holds
# an untagged agent the code no longer declares: the plan deletes it, and a deletion
# is not judged, since nothing of it remains to carry cost.
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
  model_id = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_bedrockagent_agent" "fail_unchanged_missing_owner" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = local.model_id

  tags = {
    cost-center = "cc-1234"
    ai-model    = local.model_id
  }
}

resource "aws_bedrockagent_agent" "pass_created" {
  agent_name              = "search"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = local.model_id

  tags = {
    cost-center = "cc-1234"
    owner       = "ml-platform"
    ai-model    = local.model_id
  }
}
