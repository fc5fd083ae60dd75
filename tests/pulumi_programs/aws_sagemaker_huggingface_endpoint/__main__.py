"""Twin of terraform_fixtures/aws_sagemaker_huggingface_endpoint.

A Hugging Face model on SageMaker: the model is HF_MODEL_ID in the container
environment. The endpoint configuration runs it through its variant's `model_name`,
and the endpoint through `endpoint_config_name`, both outputs of the resource they
name: a resource policy sees neither model, the stack policies follow the chain.
Both must name the model in their model tag; the endpoint does not. Cost tags come
from `aws:defaultTags`.
"""

import pulumi_aws as aws

MODEL_ID = "meta-llama/Meta-Llama-3.1-8B-Instruct"
IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04"
)

model = aws.sagemaker.Model(
    "pass_hf_model",
    name="llama-3-1-8b-instruct",
    execution_role_arn="arn:aws:iam::111122223333:role/sagemaker-execution",
    primary_container={
        "image": IMAGE,
        "environment": {"HF_MODEL_ID": MODEL_ID, "SM_NUM_GPUS": "1"},
    },
    tags={"ai-model": MODEL_ID},
)

config = aws.sagemaker.EndpointConfiguration(
    "pass_config_through_model_reference",
    name="llama-3-1-8b-instruct",
    production_variants=[
        {
            "variant_name": "primary",
            "model_name": model.name,
            "instance_type": "ml.g5.2xlarge",
            "initial_instance_count": 1,
        }
    ],
    tags={"ai-model": "huggingface/meta-llama/meta-llama-3.1-8b-instruct"},
)

aws.sagemaker.Endpoint(
    "fail_endpoint_without_model_tag",
    name="llama-3-1-8b-instruct",
    endpoint_config_name=config.name,
)
