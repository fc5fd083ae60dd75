# Flows name their models inside nodes: a prompt node's inline model_id and a
# knowledge base node's model_id. A flow running both models needs both in its model
# tag; a flow whose inline prompt model is unapproved fails rule 2. Needs an AWS
# provider with aws_bedrockagent_flow (6.4.0 or later).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.4.0"
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

resource "aws_bedrockagent_flow" "pass_flow_prompt_and_kb_nodes" {
  name               = "answer-question"
  execution_role_arn = "arn:aws:iam::111122223333:role/bedrock-flow"

  definition {
    node {
      name = "Lookup"
      type = "KnowledgeBase"

      configuration {
        knowledge_base {
          knowledge_base_id = "KB12345678"
          model_id          = "anthropic.claude-sonnet-4-20250514-v1:0"
        }
      }

      input {
        name       = "retrievalQuery"
        type       = "String"
        expression = "$.data"
      }

      output {
        name = "outputText"
        type = "String"
      }
    }

    node {
      name = "Polish"
      type = "Prompt"

      configuration {
        prompt {
          source_configuration {
            inline {
              model_id      = "anthropic.claude-3-haiku-20240307-v1:0"
              template_type = "TEXT"

              template_configuration {
                text {
                  text = "Rewrite for a customer: {{answer}}"
                  input_variable {
                    name = "answer"
                  }
                }
              }
            }
          }
        }
      }

      input {
        name       = "answer"
        type       = "String"
        expression = "$.data"
      }

      output {
        name = "modelCompletion"
        type = "String"
      }
    }
  }

  tags = { ai-model = "anthropic.claude-sonnet-4-20250514-v1:0 anthropic.claude-3-haiku-20240307-v1:0" }
}

resource "aws_bedrockagent_flow" "fail_flow_unapproved_inline_model" {
  name               = "write-paragraph"
  execution_role_arn = "arn:aws:iam::111122223333:role/bedrock-flow"

  definition {
    node {
      name = "Prompt_1"
      type = "Prompt"

      configuration {
        prompt {
          source_configuration {
            inline {
              model_id      = "amazon.titan-text-express-v1"
              template_type = "TEXT"

              template_configuration {
                text {
                  text = "Write a paragraph about {{topic}}."
                  input_variable {
                    name = "topic"
                  }
                }
              }
            }
          }
        }
      }

      input {
        name       = "topic"
        type       = "String"
        expression = "$.data"
      }

      output {
        name = "modelCompletion"
        type = "String"
      }
    }
  }

  tags = { ai-model = "amazon.titan-text-express-v1" }
}
