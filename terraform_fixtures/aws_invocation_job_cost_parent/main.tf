# aws_bedrock_model_invocation_job (batch inference) cannot carry tags: rules 1 and 3
# are not applicable to the job itself. When its model_id refers to an application
# inference profile in view, the profile carries the job's cost and is judged in
# its place (its model tag must name the job's model); with a literal model ID there
# is no parent in view. Needs an AWS provider release that has
# aws_bedrock_model_invocation_job (6.x, not 5.100.0).
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
}

locals {
  role_arn = "arn:aws:iam::111122223333:role/bedrock-batch"
  bucket   = "s3://ml-platform-batch"
}

resource "aws_bedrock_inference_profile" "pass_batch_profile" {
  name = "nightly-summaries"

  model_source {
    copy_from = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
  }

  tags = {
    cost-center = "cc-3100"
    owner       = "data-eng"
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

resource "aws_bedrock_model_invocation_job" "na_job_through_profile" {
  job_name = "nightly-summaries"
  model_id = aws_bedrock_inference_profile.pass_batch_profile.arn
  role_arn = local.role_arn

  input_data_config {
    s3_input_data_config {
      s3_uri = "${local.bucket}/summaries/input/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri = "${local.bucket}/summaries/output/"
    }
  }
}

# Missing owner, and its model tag names haiku while the job runs Sonnet 4.
resource "aws_bedrock_inference_profile" "fail_batch_profile_tags" {
  name = "weekly-reports"

  model_source {
    copy_from = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"
  }

  tags = {
    cost-center = "cc-3100"
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}

resource "aws_bedrock_model_invocation_job" "na_job_through_mistagged_profile" {
  job_name = "weekly-reports"
  model_id = aws_bedrock_inference_profile.fail_batch_profile_tags.arn
  role_arn = local.role_arn

  input_data_config {
    s3_input_data_config {
      s3_uri = "${local.bucket}/reports/input/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri = "${local.bucket}/reports/output/"
    }
  }
}

resource "aws_bedrock_model_invocation_job" "na_job_literal_model" {
  job_name = "backfill"
  model_id = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
  role_arn = local.role_arn

  input_data_config {
    s3_input_data_config {
      s3_uri = "${local.bucket}/backfill/input/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri = "${local.bucket}/backfill/output/"
    }
  }
}
