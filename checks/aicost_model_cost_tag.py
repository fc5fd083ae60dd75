"""CKV_AICOST_3 for Checkov: the model cost tag names the model actually used."""

from aicost_base import AICostCheck

from ai_cost_policy.rules.model_tag import ModelCostTag


class ModelCostTagCheck(AICostCheck):
    rule = ModelCostTag()


check = ModelCostTagCheck()
