# Model Garden deployments and deployment resource pools have no labels argument and
# no parent resource: rules 1 and 3 do not apply (their cost can only be attributed by
# project), even with provider default_labels. Rule 2 still judges the model: Gemma
# is not an approved Vertex model; a Hugging Face model is on the `huggingface`
# platform, which this policy does not govern. The pool names no model at all.
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
    cost-center = "cc-6200"
    owner       = "ml-platform"
  }
}

resource "google_vertex_ai_endpoint_with_model_garden_deployment" "fail_gemma_not_approved" {
  location             = "us-central1"
  publisher_model_name = "publishers/google/models/gemma3@gemma-3-1b-it"

  model_config {
    accept_eula = true
  }

  deploy_config {
    dedicated_resources {
      machine_spec {
        machine_type      = "g2-standard-12"
        accelerator_type  = "NVIDIA_L4"
        accelerator_count = 1
      }
      min_replica_count = 1
    }
  }
}

resource "google_vertex_ai_endpoint_with_model_garden_deployment" "pass_hugging_face_not_governed" {
  location              = "us-central1"
  hugging_face_model_id = "Qwen/Qwen3-0.6B"

  deploy_config {
    dedicated_resources {
      machine_spec {
        machine_type      = "g2-standard-12"
        accelerator_type  = "NVIDIA_L4"
        accelerator_count = 1
      }
      min_replica_count = 1
    }
  }
}

resource "google_vertex_ai_deployment_resource_pool" "na_pool" {
  name   = "shared-l4-pool"
  region = "us-central1"

  dedicated_resources {
    machine_spec {
      machine_type      = "g2-standard-12"
      accelerator_type  = "NVIDIA_L4"
      accelerator_count = 1
    }
    min_replica_count = 1
    max_replica_count = 2
  }
}
