# Tag keys are case-sensitive: `CostCenter`, `cost_center`, `Cost-Center` and
# `cost-centre` do not satisfy `cost-center` (nor `Owner` `owner`); each failure
# names the near miss with a "did you mean". None of these resources runs a model:
# rules 2 and 3 do not apply.
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

locals {
  rg                  = "rg-ml-prod"
  location            = "northeurope"
  storage_account_id  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-prod/providers/Microsoft.Storage/storageAccounts/stmlprod"
  key_vault_id        = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-prod/providers/Microsoft.KeyVault/vaults/kv-ml-prod"
  application_insight = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-prod/providers/Microsoft.Insights/components/appi-ml-prod"
}

resource "azurerm_cognitive_account" "fail_camel_case_key" {
  name                = "oai-research"
  location            = local.location
  resource_group_name = local.rg
  kind                = "OpenAI"
  sku_name            = "S0"

  tags = {
    CostCenter = "cc-5000"
    owner      = "research"
  }
}

resource "azurerm_ai_services" "fail_snake_case_key" {
  name                = "ais-research"
  location            = local.location
  resource_group_name = local.rg
  sku_name            = "S0"

  tags = {
    cost_center = "cc-5000"
    owner       = "research"
  }
}

resource "azurerm_ai_foundry" "fail_title_case_keys" {
  name                = "hub-research"
  location            = local.location
  resource_group_name = local.rg
  storage_account_id  = local.storage_account_id
  key_vault_id        = local.key_vault_id

  identity {
    type = "SystemAssigned"
  }

  tags = {
    Cost-Center = "cc-5000"
    Owner       = "research"
  }
}

# A project of the hub above: it carries its own tags, and a spelling variant of a
# key is no more the key than a change of case.
resource "azurerm_ai_foundry_project" "fail_spelling_variant_key" {
  name               = "project-research"
  location           = local.location
  ai_services_hub_id = azurerm_ai_foundry.fail_title_case_keys.id

  tags = {
    cost-centre = "cc-5000"
    owner       = "research"
  }
}

resource "azurerm_machine_learning_workspace" "fail_snake_case_key" {
  name                    = "mlw-research"
  location                = local.location
  resource_group_name     = local.rg
  application_insights_id = local.application_insight
  key_vault_id            = local.key_vault_id
  storage_account_id      = local.storage_account_id

  identity {
    type = "SystemAssigned"
  }

  tags = {
    cost_center = "cc-5000"
    owner       = "research"
  }
}

resource "azurerm_machine_learning_workspace" "pass_fully_tagged" {
  name                    = "mlw-forecasting"
  location                = local.location
  resource_group_name     = local.rg
  application_insights_id = local.application_insight
  key_vault_id            = local.key_vault_id
  storage_account_id      = local.storage_account_id

  identity {
    type = "SystemAssigned"
  }

  tags = {
    cost-center = "cc-5001"
    owner       = "forecasting"
  }
}
