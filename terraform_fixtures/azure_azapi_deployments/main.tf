# Deployments written with azapi. At API version 2023-05-01 a deployment cannot carry
# tags: rules 1 and 3 are not-applicable on it and its cost is judged on the account
# named by parent_id. From 2023-10-01-preview it can: tags come from `tags`, from
# `body.tags`, or from the azapi provider's default_tags — the defaults apply only to
# a resource that sets no tags at all and are never merged into tags it sets.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.57.0"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "2.5.0"
    }
  }
}

provider "azurerm" {
  features {}
}

provider "azapi" {
  default_tags = {
    cost-center = "cc-4200"
    owner       = "platform-ai"
    ai-model    = "gpt-4o"
  }
}

resource "azurerm_resource_group" "ai" {
  name     = "rg-ai-shared"
  location = "westeurope"
}

# Pays for na_old_api_version only: the other deployments carry their own tags.
resource "azurerm_cognitive_account" "pass_parent_account" {
  name                = "oai-shared-weu"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  kind                = "OpenAI"
  sku_name            = "S0"

  tags = {
    cost-center = "cc-4200"
    owner       = "platform-ai"
    ai-model    = "gpt-4o@2024-11-20"
  }
}

resource "azapi_resource" "na_old_api_version" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2023-05-01"
  name      = "chat-legacy"
  parent_id = azurerm_cognitive_account.pass_parent_account.id

  body = {
    sku = { name = "Standard", capacity = 20 }
    properties = {
      model = { format = "OpenAI", name = "gpt-4o", version = "2024-11-20" }
    }
  }
}

resource "azapi_resource" "pass_top_level_tags" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2024-10-01"
  name      = "chat"
  parent_id = azurerm_cognitive_account.pass_parent_account.id

  body = {
    sku = { name = "GlobalStandard", capacity = 50 }
    properties = {
      model                = { format = "OpenAI", name = "gpt-4o", version = "2024-11-20" }
      versionUpgradeOption = "NoAutoUpgrade"
    }
  }

  tags = {
    cost-center = "cc-4300"
    owner       = "chat-team"
    ai-model    = "gpt-4o@2024-11-20"
  }
}

resource "azapi_resource" "pass_body_tags" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2024-10-01"
  name      = "embeddings"
  parent_id = azurerm_cognitive_account.pass_parent_account.id

  body = {
    sku = { name = "Standard", capacity = 120 }
    properties = {
      model = { format = "OpenAI", name = "text-embedding-3-large", version = "1" }
    }
    tags = {
      cost-center = "cc-4400"
      owner       = "search-team"
      ai-model    = "text-embedding-3-large"
    }
  }
}

resource "azapi_resource" "pass_provider_default_tags" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2024-10-01"
  name      = "chat-eval"
  parent_id = azurerm_cognitive_account.pass_parent_account.id

  body = {
    sku = { name = "GlobalStandard", capacity = 10 }
    properties = {
      model = { format = "OpenAI", name = "gpt-4o", version = "2024-11-20" }
    }
  }
}

resource "azapi_resource" "fail_tags_not_merged_with_defaults" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2023-10-01-preview"
  name      = "chat-canary"
  parent_id = azurerm_cognitive_account.pass_parent_account.id

  body = {
    sku = { name = "GlobalStandard", capacity = 5 }
    properties = {
      model = { format = "OpenAI", name = "gpt-4o", version = "2024-11-20" }
    }
  }

  tags = {
    ai-model = "gpt-4o"
  }
}
