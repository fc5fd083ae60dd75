"""CKV_AICOST_1 for Checkov: every required cost-allocation tag, allowed values."""

from aicost_base import AICostCheck

from ai_cost_policy.rules.required_tags import RequiredCostTags


class RequiredCostTagsCheck(AICostCheck):
    rule = RequiredCostTags()


check = RequiredCostTagsCheck()
