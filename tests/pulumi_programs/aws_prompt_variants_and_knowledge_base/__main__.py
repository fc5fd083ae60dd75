"""Twin of terraform_fixtures/aws_prompt_variants_and_knowledge_base.

A prompt with two variants runs two models: its model tag must name both, separated
by a space, and rule 2 judges each variant's model. The knowledge base names its
embedding model by foundation-model ARN (Titan Embed, which the shared policy does
not approve). Cost tags come from the default provider's `aws:defaultTags`.
"""

import pulumi_aws as aws

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-sonnet-4-20250514-v1:0"
LLAMA = "meta.llama3-1-70b-instruct-v1:0"


def variant(name: str, model_id: str, text: str) -> dict:
    return {
        "name": name,
        "model_id": model_id,
        "template_type": "TEXT",
        "template_configuration": {
            "text": {"text": text, "input_variables": [{"name": "ticket"}]},
        },
    }


aws.bedrock.AgentPrompt(
    "fail_tag_names_one_variant",
    name="summarise-ticket",
    default_variant="fast",
    variants=[
        variant("fast", HAIKU, "Summarise this ticket: {{ticket}}"),
        variant("thorough", SONNET, "Summarise this ticket in detail: {{ticket}}"),
    ],
    tags={"ai-model": HAIKU},
)

aws.bedrock.AgentPrompt(
    "pass_tag_names_both_variants",
    name="classify-ticket",
    default_variant="fast",
    variants=[
        variant("fast", HAIKU, "Classify this ticket: {{ticket}}"),
        variant("thorough", SONNET, "Classify this ticket and explain why: {{ticket}}"),
    ],
    tags={"ai-model": f"{HAIKU} {SONNET}"},
)

aws.bedrock.AgentPrompt(
    "fail_one_variant_unapproved",
    name="draft-reply",
    default_variant="approved",
    variants=[
        variant("approved", HAIKU, "Draft a reply to: {{ticket}}"),
        variant("experiment", LLAMA, "Draft a reply to: {{ticket}}"),
    ],
    tags={"ai-model": f"{HAIKU} {LLAMA}"},
)

aws.bedrock.AgentKnowledgeBase(
    "fail_unapproved_embedding_model",
    name="support-docs",
    role_arn="arn:aws:iam::111122223333:role/bedrock-kb",
    knowledge_base_configuration={
        "type": "VECTOR",
        "vector_knowledge_base_configuration": {
            "embedding_model_arn": (
                "arn:aws:bedrock:us-east-1::foundation-model/"
                "amazon.titan-embed-text-v2:0"
            ),
        },
    },
    storage_configuration={
        "type": "OPENSEARCH_SERVERLESS",
        "opensearch_serverless_configuration": {
            "collection_arn": (
                "arn:aws:aoss:us-east-1:111122223333:collection/kb1234567890abcdef"
            ),
            "vector_index_name": "support-docs",
            "field_mapping": {
                "vector_field": "embedding",
                "text_field": "chunk",
                "metadata_field": "metadata",
            },
        },
    },
    tags={"ai-model": "amazon.titan-embed-text-v2:0"},
)
