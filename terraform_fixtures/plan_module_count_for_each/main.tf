# Module instances in a plan: module "ai" is called with for_each, module "batch" with
# count, and the module itself makes one agent per variant with for_each. Every agent
# is reported by its full address, instance keys included:
# module.ai["eu"].aws_bedrockagent_agent.assistant["fast"],
# module.batch[1].aws_bedrockagent_agent.assistant["fast"].
# cost-center comes from the provider's default_tags, owner and the model from the
# module inputs. The "us" instance has no owner and module.batch[1] runs a denied
# model, so the scan fails naming those instances.
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

locals {
  haiku = "anthropic.claude-3-haiku-20240307-v1:0"

  regions = {
    eu = "ml-eu"
    us = ""
  }

  batch_models = [local.haiku, "deepseek.r1-v1:0"]
}

module "ai" {
  source   = "./modules/agent"
  for_each = local.regions

  name     = "support-${each.key}"
  owner    = each.value
  model_id = local.haiku
}

module "batch" {
  source = "./modules/agent"
  count  = 2

  name     = "batch-${count.index}"
  owner    = "batch-team"
  model_id = local.batch_models[count.index]
}
