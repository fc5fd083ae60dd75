# A Hugging Face model on SageMaker: the model is HF_MODEL_ID in the container
# environment (platform huggingface; the container image is inventory only). The
# endpoint configuration runs it through production_variants.model_name, and the
# endpoint through endpoint_config_name, so both must name it in their model tag.
# The shared policy does not govern huggingface: rule 2 passes with a note.
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

resource "aws_sagemaker_model" "pass_hf_model" {
  name               = "llama-3-1-8b-instruct"
  execution_role_arn = "arn:aws:iam::111122223333:role/sagemaker-execution"

  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04"

    environment = {
      HF_MODEL_ID = "meta-llama/Meta-Llama-3.1-8B-Instruct"
      SM_NUM_GPUS = "1"
    }
  }

  tags = { ai-model = "meta-llama/Meta-Llama-3.1-8B-Instruct" }
}

resource "aws_sagemaker_endpoint_configuration" "pass_config_through_model_reference" {
  name = "llama-3-1-8b-instruct"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.pass_hf_model.name
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 1
  }

  tags = { ai-model = "huggingface/meta-llama/meta-llama-3.1-8b-instruct" }
}

resource "aws_sagemaker_endpoint" "fail_endpoint_without_model_tag" {
  name                 = "llama-3-1-8b-instruct"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.pass_config_through_model_reference.name
}
