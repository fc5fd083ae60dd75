# Uses the caller's default provider: cost-center and owner come from the root's
# default_tags, the model tag from this resource.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "model_id" {
  type = string
}

resource "aws_bedrockagent_agent" "pass_root_default_tags" {
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = {
    ai-model = var.model_id
  }
}
