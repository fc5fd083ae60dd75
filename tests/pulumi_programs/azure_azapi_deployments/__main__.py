"""Twin of terraform_fixtures/azure_azapi_deployments, with pulumi-azure-native.

azure-native's Deployment is the Pulumi counterpart of azapi's: the same ARM
resource, tags from API version 2023-10-01-preview on. Older and preview API
versions are published under version-suffixed tokens
(`azure-native:cognitiveservices/v20230501:Deployment`), which the SDK that
`pulumi package add azure-native cognitiveservices <version>` generates registers;
here they are registered by token directly. The account is pulumi-azure's, as the
twin's is azurerm's.

Azure providers in Pulumi have no default tags. The Pulumi way to give every
deployment the platform's tags is a stack transformation; this one follows azapi's
`default_tags`: it fills in tags only on a taggable deployment that sets none and
never merges them into tags a deployment sets.
"""

import pulumi
import pulumi_azure as azure
import pulumi_azure_native as native

DEFAULT_TAGS = {"cost-center": "cc-4200", "owner": "platform-ai", "ai-model": "gpt-4o"}
TAGGABLE = {"azure-native:cognitiveservices:Deployment"}


def default_tags(args: pulumi.ResourceTransformationArgs):
    if args.type_ in TAGGABLE and not args.props.get("tags"):
        props = {**args.props, "tags": DEFAULT_TAGS}
        return pulumi.ResourceTransformationResult(props, args.opts)
    return None


pulumi.runtime.register_stack_transformation(default_tags)

GPT_4O = {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}

group = azure.core.ResourceGroup("ai", name="rg-ai-shared", location="westeurope")

# Pays for na_old_api_version only: the other deployments carry their own tags.
account = azure.cognitive.Account(
    "pass_parent_account",
    name="oai-shared-weu",
    location=group.location,
    resource_group_name=group.name,
    kind="OpenAI",
    sku_name="S0",
    tags={
        "cost-center": "cc-4200",
        "owner": "platform-ai",
        "ai-model": "gpt-4o@2024-11-20",
    },
)


def pinned(api: str, name: str, deployment: str, sku: dict, **extra) -> None:
    """A deployment at an explicit API version, as a generated local SDK does."""
    pulumi.CustomResource(
        f"azure-native:cognitiveservices/{api}:Deployment",
        name,
        {
            "accountName": account.name,
            "resourceGroupName": group.name,
            "deploymentName": deployment,
            "properties": {"model": GPT_4O},
            "sku": sku,
            **extra,
        },
    )


pinned(
    "v20230501",
    "na_old_api_version",
    "chat-legacy",
    {"name": "Standard", "capacity": 20},
)

native.cognitiveservices.Deployment(
    "pass_top_level_tags",
    account_name=account.name,
    resource_group_name=group.name,
    deployment_name="chat",
    properties={"model": GPT_4O, "version_upgrade_option": "NoAutoUpgrade"},
    sku={"name": "GlobalStandard", "capacity": 50},
    tags={
        "cost-center": "cc-4300",
        "owner": "chat-team",
        "ai-model": "gpt-4o@2024-11-20",
    },
)

# azapi's body.tags has no separate place in azure-native: tags are tags.
native.cognitiveservices.Deployment(
    "pass_body_tags",
    account_name=account.name,
    resource_group_name=group.name,
    deployment_name="embeddings",
    properties={
        "model": {"format": "OpenAI", "name": "text-embedding-3-large", "version": "1"}
    },
    sku={"name": "Standard", "capacity": 120},
    tags={
        "cost-center": "cc-4400",
        "owner": "search-team",
        "ai-model": "text-embedding-3-large",
    },
)

native.cognitiveservices.Deployment(
    "pass_provider_default_tags",
    account_name=account.name,
    resource_group_name=group.name,
    deployment_name="chat-eval",
    properties={"model": GPT_4O},
    sku={"name": "GlobalStandard", "capacity": 10},
)

# Its own tags keep the transformation's out: cost-center and owner are missing.
pinned(
    "v20231001preview",
    "fail_tags_not_merged_with_defaults",
    "chat-canary",
    {"name": "GlobalStandard", "capacity": 5},
    tags={"ai-model": "gpt-4o"},
)
