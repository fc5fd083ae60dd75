# Provider default_tags reach resources inside local modules. module "ai" inherits
# the default provider, so its agent gets the root's default_tags (the model comes
# in as a module input). Modules "finops" and "sandbox" are handed an aliased
# provider with `providers = { aws = aws.<alias> }`: their agents carry that alias's
# default_tags (finops: all three tags; sandbox: none), never the root's.
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

provider "aws" {
  alias  = "finops"
  region = "us-east-1"

  default_tags {
    tags = {
      cost-center = "cc-4321"
      owner       = "finops"
      ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
    }
  }
}

provider "aws" {
  alias  = "sandbox"
  region = "us-east-1"
}

module "ai" {
  source   = "./modules/ai"
  model_id = "anthropic.claude-3-haiku-20240307-v1:0"
}

module "finops" {
  source = "./modules/finops"

  providers = {
    aws = aws.finops
  }
}

module "sandbox" {
  source = "./modules/sandbox"

  providers = {
    aws = aws.sandbox
  }
}
