# Model evaluation jobs invoke the models they evaluate, one for an automated job and
# up to two for a job with human workers: each model is judged against the policy,
# and the job's model tag must name every one. A comparison that runs an unapproved
# model fails rule 2 even though its tags are complete. Needs an AWS provider
# release with aws_bedrock_evaluation_job (6.x, not 5.100.0).
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
      cost-center = "cc-4200"
    }
  }
}

locals {
  role_arn = "arn:aws:iam::111122223333:role/bedrock-evaluation"
  bucket   = "s3://ml-platform-evaluations"
  haiku    = "anthropic.claude-3-haiku-20240307-v1:0"
  sonnet_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
}

resource "aws_bedrock_evaluation_job" "pass_automated_haiku" {
  job_name = "haiku-accuracy"
  role_arn = local.role_arn

  evaluation_config {
    automated {
      dataset_metric_config {
        task_type    = "QuestionAndAnswer"
        metric_names = ["Builtin.Accuracy"]

        dataset {
          name = "Builtin.BoolQ"
        }
      }
    }
  }

  inference_config {
    model {
      bedrock_model {
        model_identifier = local.haiku
        inference_params = jsonencode({ temperature = 0 })
      }
    }
  }

  output_data_config {
    s3_uri = "${local.bucket}/haiku-accuracy/"
  }

  tags = {
    owner    = "ml-quality"
    ai-model = local.haiku
  }
}

resource "aws_bedrock_evaluation_job" "fail_comparison_with_unapproved_model" {
  job_name = "assistant-comparison"
  role_arn = local.role_arn

  evaluation_config {
    human {
      dataset_metric_config {
        task_type    = "Generation"
        metric_names = ["preference"]

        dataset {
          name = "assistant-prompts"

          dataset_location {
            s3_uri = "${local.bucket}/datasets/assistant-prompts.jsonl"
          }
        }
      }

      custom_metric {
        name          = "preference"
        rating_method = "ComparisonChoice"
      }

      human_workflow_config {
        flow_definition_arn = "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/assistant-comparison"
      }
    }
  }

  inference_config {
    model {
      bedrock_model {
        model_identifier = local.sonnet_4
      }
    }

    model {
      bedrock_model {
        model_identifier = "amazon.titan-text-express-v1"
      }
    }
  }

  output_data_config {
    s3_uri = "${local.bucket}/assistant-comparison/"
  }

  tags = {
    owner    = "ml-quality"
    ai-model = "${local.sonnet_4} amazon.titan-text-express-v1"
  }
}
