# GCP labels: the provider's default_labels supply cost-center, the resource's labels
# the rest, and a resource label wins over a default. Label values cannot hold `.` or
# `/`, so the model label is compared in label-safe form: `gemini-2_5-flash` names
# google/gemini-2.5-flash, while `gemini-2_5-flash-lite` is another model. `Owner`
# (upper case) is a near miss of `owner`; `goog-*` system labels are ignored.
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

  default_labels = {
    cost-center = "cc-6100"
  }
}

locals {
  generation_model = "projects/acme-ml-prod/locations/us-central1/publishers/google/models/gemini-2.5-flash"
}

resource "google_vertex_ai_reasoning_engine" "pass_default_and_resource_labels" {
  display_name = "support-agent"
  region       = "us-central1"

  context_spec {
    memory_bank_config {
      generation_config {
        model = local.generation_model
      }
    }
  }

  labels = {
    owner                      = "support-ai"
    ai-model                   = "gemini-2_5-flash"
    goog-terraform-provisioned = "true"
  }
}

resource "google_vertex_ai_reasoning_engine" "fail_label_overrides_default" {
  display_name = "billing-agent"
  region       = "us-central1"

  context_spec {
    memory_bank_config {
      generation_config {
        model = local.generation_model
      }
    }
  }

  labels = {
    cost-center = "finance"
    owner       = "billing-ai"
    ai-model    = "gemini-2_5-flash"
  }
}

resource "google_vertex_ai_reasoning_engine" "fail_model_label_near_neighbour" {
  display_name = "triage-agent"
  region       = "us-central1"

  context_spec {
    memory_bank_config {
      generation_config {
        model = local.generation_model
      }
    }
  }

  labels = {
    owner    = "triage-ai"
    ai-model = "gemini-2_5-flash-lite"
  }
}

resource "google_vertex_ai_endpoint" "pass_endpoint" {
  name         = "4210"
  display_name = "ranking"
  location     = "us-central1"

  labels = {
    owner = "ranking-team"
  }
}

resource "google_vertex_ai_endpoint" "fail_upper_case_owner" {
  name         = "4211"
  display_name = "ranking-canary"
  location     = "us-central1"

  labels = {
    Owner                      = "ranking-team"
    goog-terraform-provisioned = "true"
  }
}
