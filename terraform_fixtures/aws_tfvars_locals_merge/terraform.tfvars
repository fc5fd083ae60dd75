team_tags = {
  owner = "ml-platform"
}

cost_center        = "cc-1234"
legacy_cost_center = "1234"
model_id           = "anthropic.claude-sonnet-4-20250514-v1:0"
