# Labels the code alone cannot show. `team_labels` has no default and no tfvars, so a
# key missing from the literal part of merge() may come from it: that is a warning,
# not a failure. A label whose key is written but whose value is another resource's
# attribute is known to be there: it passes when the key has no constraint, and is a
# warning when the policy constrains its value. A known value that already violates
# decides, whatever the unknown part holds.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.45.0"
    }
  }
}

provider "google" {
  project = "acme-ml-prod"
  region  = "us-central1"
}

variable "team_labels" {
  type = map(string)
}

data "google_project" "this" {}

resource "google_service_account" "ranking" {
  account_id   = "ranking-agent"
  display_name = "Ranking agent"
}

locals {
  generation_model = "projects/acme-ml-prod/locations/us-central1/publishers/google/models/gemini-2.5-pro"
}

resource "google_vertex_ai_reasoning_engine" "warn_owner_may_come_from_var" {
  display_name = "research-agent"
  region       = "us-central1"

  context_spec {
    memory_bank_config {
      generation_config {
        model = local.generation_model
      }
    }
  }

  labels = merge(var.team_labels, {
    cost-center = "cc-7000"
    ai-model    = "gemini-2_5-pro"
  })
}

resource "google_vertex_ai_reasoning_engine" "warn_model_label_may_come_from_var" {
  display_name = "planning-agent"
  region       = "us-central1"

  context_spec {
    memory_bank_config {
      generation_config {
        model = local.generation_model
      }
    }
  }

  labels = merge(var.team_labels, {
    cost-center = "cc-7000"
    owner       = "planning-ai"
  })
}

resource "google_vertex_ai_endpoint" "pass_owner_from_attribute" {
  name         = "7001"
  display_name = "ranking"
  location     = "us-central1"

  labels = {
    cost-center = "cc-7000"
    owner       = google_service_account.ranking.unique_id
  }
}

resource "google_vertex_ai_endpoint" "warn_cost_center_from_data_source" {
  name         = "7002"
  display_name = "ranking-shadow"
  location     = "us-central1"

  labels = {
    cost-center = data.google_project.this.labels["cost-center"]
    owner       = "ranking-team"
  }
}

resource "google_vertex_ai_endpoint" "fail_known_part_violates" {
  name         = "7003"
  display_name = "ranking-canary"
  location     = "us-central1"

  labels = merge(var.team_labels, {
    cost-center = "finance"
  })
}
