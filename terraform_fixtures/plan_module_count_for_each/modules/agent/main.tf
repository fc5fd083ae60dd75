# One agent per variant; the model tag names the model it runs. An empty owner
# counts as missing.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "name" {
  type = string
}

variable "owner" {
  type = string
}

variable "model_id" {
  type = string
}

resource "aws_bedrockagent_agent" "assistant" {
  for_each = {
    fast = "haiku"
  }

  agent_name              = "${var.name}-${each.key}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = {
    owner    = var.owner
    ai-model = var.model_id
  }
}
