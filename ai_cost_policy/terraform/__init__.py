"""Terraform adapters: HCL root modules and plan JSON, turned into AI resources."""
