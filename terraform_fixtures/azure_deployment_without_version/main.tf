# A deployment without a model version floats: its canonical ID is `gpt-4o@`, which
# only a pattern ending in `@*` approves. The policy approves gpt-4o@2024-11-20 only,
# so both gpt-4o deployments fail rule 2 (an empty version counts as none); the
# unversioned embedding deployment is approved by `text-embedding-3-large@*`.
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
  name     = "rg-ai-dev"
  location = "eastus2"
}

resource "azurerm_cognitive_account" "pass_account" {
  name                = "oai-assistant-dev"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  kind                = "OpenAI"
  sku_name            = "S0"

  tags = {
    cost-center = "cc-3100"
    owner       = "assistant-team"
    ai-model    = "gpt-4o text-embedding-3-large"
  }
}

resource "azurerm_cognitive_deployment" "fail_no_version" {
  name                 = "chat"
  cognitive_account_id = azurerm_cognitive_account.pass_account.id

  model {
    format = "OpenAI"
    name   = "gpt-4o"
  }

  sku {
    name = "Standard"
  }
}

resource "azurerm_cognitive_deployment" "fail_empty_version" {
  name                 = "chat-batch"
  cognitive_account_id = azurerm_cognitive_account.pass_account.id

  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = ""
  }

  sku {
    name = "GlobalBatch"
  }
}

resource "azurerm_cognitive_deployment" "pass_embedding_no_version" {
  name                 = "embeddings"
  cognitive_account_id = azurerm_cognitive_account.pass_account.id

  model {
    format = "OpenAI"
    name   = "text-embedding-3-large"
  }

  sku {
    name = "Standard"
  }
}
