# azurerm deployments cannot carry tags: rules 1 and 3 are not-applicable on them and
# their cost is judged on the Cognitive Services account they belong to. The account's
# model tag must name every child's model; `gpt-4o` (no version) names
# gpt-4o@2024-11-20. The second account's tag misses its embedding deployment.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.57.0"
    }
  }
}

provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "ai" {
  name     = "rg-ai-prod"
  location = "swedencentral"
}

resource "azurerm_cognitive_account" "pass_shared_account" {
  name                = "oai-support-prod"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  kind                = "OpenAI"
  sku_name            = "S0"

  tags = {
    cost-center = "cc-1234"
    owner       = "support-ai"
    ai-model    = "gpt-4o text-embedding-3-large@1"
  }
}

resource "azurerm_cognitive_deployment" "na_chat" {
  name                 = "chat"
  cognitive_account_id = azurerm_cognitive_account.pass_shared_account.id

  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }

  sku {
    name     = "GlobalStandard"
    capacity = 50
  }
}

resource "azurerm_cognitive_deployment" "na_embedding" {
  name                 = "embeddings"
  cognitive_account_id = azurerm_cognitive_account.pass_shared_account.id

  model {
    format  = "OpenAI"
    name    = "text-embedding-3-large"
    version = "1"
  }

  sku {
    name     = "Standard"
    capacity = 120
  }
}

resource "azurerm_cognitive_account" "fail_model_tag_misses_child" {
  name                = "oai-search-prod"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  kind                = "OpenAI"
  sku_name            = "S0"

  tags = {
    cost-center = "cc-2001"
    owner       = "search-team"
    ai-model    = "gpt-4o"
  }
}

resource "azurerm_cognitive_deployment" "na_search_chat" {
  name                 = "chat"
  cognitive_account_id = azurerm_cognitive_account.fail_model_tag_misses_child.id

  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }

  sku {
    name     = "GlobalStandard"
    capacity = 30
  }
}

resource "azurerm_cognitive_deployment" "na_search_embedding" {
  name                 = "embeddings"
  cognitive_account_id = azurerm_cognitive_account.fail_model_tag_misses_child.id

  model {
    format  = "OpenAI"
    name    = "text-embedding-3-large"
    version = "1"
  }

  sku {
    name     = "Standard"
    capacity = 60
  }
}
