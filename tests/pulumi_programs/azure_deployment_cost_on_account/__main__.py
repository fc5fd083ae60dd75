"""Twin of terraform_fixtures/azure_deployment_cost_on_account, with pulumi-azure.

pulumi-azure is the azurerm provider bridged to Pulumi, so its deployments cannot
carry tags either: rules 1 and 3 are not applicable on them and their cost lands on
the Cognitive Services account whose `id` they name. That id is unknown during
preview, so a resource policy sees neither side of the link; the stack policy
`ai-model-cost-tag-stack` follows it and checks that the account's model tag names
every model of the deployments it pays for. `gpt-4o` (no version) names
gpt-4o@2024-11-20. The second account's tag misses its embedding deployment.
"""

import pulumi_azure as azure

group = azure.core.ResourceGroup("ai", name="rg-ai-prod", location="swedencentral")


def account(name: str, account_name: str, tags: dict) -> azure.cognitive.Account:
    return azure.cognitive.Account(
        name,
        name=account_name,
        location=group.location,
        resource_group_name=group.name,
        kind="OpenAI",
        sku_name="S0",
        tags=tags,
    )


def deployment(
    name: str,
    on: azure.cognitive.Account,
    model: tuple[str, str],
    sku: tuple[str, int],
) -> None:
    azure.cognitive.Deployment(
        name,
        name="chat" if model[0] == "gpt-4o" else "embeddings",
        cognitive_account_id=on.id,
        model={"format": "OpenAI", "name": model[0], "version": model[1]},
        sku={"name": sku[0], "capacity": sku[1]},
    )


shared = account(
    "pass_shared_account",
    "oai-support-prod",
    {
        "cost-center": "cc-1234",
        "owner": "support-ai",
        "ai-model": "gpt-4o text-embedding-3-large@1",
    },
)
deployment("na_chat", shared, ("gpt-4o", "2024-11-20"), ("GlobalStandard", 50))
deployment("na_embedding", shared, ("text-embedding-3-large", "1"), ("Standard", 120))

search = account(
    "fail_model_tag_misses_child",
    "oai-search-prod",
    {"cost-center": "cc-2001", "owner": "search-team", "ai-model": "gpt-4o"},
)
deployment("na_search_chat", search, ("gpt-4o", "2024-11-20"), ("GlobalStandard", 30))
deployment(
    "na_search_embedding", search, ("text-embedding-3-large", "1"), ("Standard", 60)
)
