# Resources that run several models or name their model deeper in a block. A prompt
# with two variants runs two models: its model tag must name both, separated by a
# space (naming one fails rule 3), and rule 2 judges each variant's model. A
# knowledge base names its embedding model by foundation-model ARN (Titan Embed,
# which the shared policy does not approve).
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

resource "aws_bedrockagent_prompt" "fail_tag_names_one_variant" {
  name            = "summarise-ticket"
  default_variant = "fast"

  variant {
    name          = "fast"
    model_id      = "anthropic.claude-3-haiku-20240307-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Summarise this ticket: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  variant {
    name          = "thorough"
    model_id      = "anthropic.claude-sonnet-4-20250514-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Summarise this ticket in detail: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_prompt" "pass_tag_names_both_variants" {
  name            = "classify-ticket"
  default_variant = "fast"

  variant {
    name          = "fast"
    model_id      = "anthropic.claude-3-haiku-20240307-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Classify this ticket: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  variant {
    name          = "thorough"
    model_id      = "anthropic.claude-sonnet-4-20250514-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Classify this ticket and explain why: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0 anthropic.claude-sonnet-4-20250514-v1:0" }
}

resource "aws_bedrockagent_prompt" "fail_one_variant_unapproved" {
  name            = "draft-reply"
  default_variant = "approved"

  variant {
    name          = "approved"
    model_id      = "anthropic.claude-3-haiku-20240307-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Draft a reply to: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  variant {
    name          = "experiment"
    model_id      = "meta.llama3-1-70b-instruct-v1:0"
    template_type = "TEXT"

    template_configuration {
      text {
        text = "Draft a reply to: {{ticket}}"
        input_variable {
          name = "ticket"
        }
      }
    }
  }

  tags = { ai-model = "anthropic.claude-3-haiku-20240307-v1:0 meta.llama3-1-70b-instruct-v1:0" }
}

resource "aws_bedrockagent_knowledge_base" "fail_unapproved_embedding_model" {
  name     = "support-docs"
  role_arn = "arn:aws:iam::111122223333:role/bedrock-kb"

  knowledge_base_configuration {
    type = "VECTOR"

    vector_knowledge_base_configuration {
      embedding_model_arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
    }
  }

  storage_configuration {
    type = "OPENSEARCH_SERVERLESS"

    opensearch_serverless_configuration {
      collection_arn    = "arn:aws:aoss:us-east-1:111122223333:collection/kb1234567890abcdef"
      vector_index_name = "support-docs"

      field_mapping {
        vector_field   = "embedding"
        text_field     = "chunk"
        metadata_field = "metadata"
      }
    }
  }

  tags = { ai-model = "amazon.titan-embed-text-v2:0" }
}
