# JumpStart models copied into a private SageMaker hub. The public hub content ARN
# names the model (canonical jumpstart/<model-id>). The shared policy does not
# govern sagemaker, so an ordinary model passes rule 2 with a note; the deny-list
# (*deepseek*) applies to every platform, so a DeepSeek model fails anyway.
# Needs an AWS provider with aws_sagemaker_hub_content_reference (6.x, not 5.100.0).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
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

resource "aws_sagemaker_hub" "models" {
  hub_name        = "ml-platform-models"
  hub_description = "Models approved for the ML platform"
}

resource "aws_sagemaker_hub_content_reference" "pass_jumpstart_llama" {
  hub_name                         = aws_sagemaker_hub.models.hub_name
  hub_content_name                 = "llama-3-1-8b-instruct"
  sagemaker_public_hub_content_arn = "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-1-8b-instruct"

  tags = { ai-model = "jumpstart/meta-textgeneration-llama-3-1-8b-instruct" }
}

resource "aws_sagemaker_hub_content_reference" "fail_denied_jumpstart_deepseek" {
  hub_name                         = aws_sagemaker_hub.models.hub_name
  hub_content_name                 = "deepseek-r1-distill-llama-8b"
  sagemaker_public_hub_content_arn = "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/deepseek-llm-r1-distill-llama-8b"

  tags = { ai-model = "jumpstart/deepseek-llm-r1-distill-llama-8b" }
}
