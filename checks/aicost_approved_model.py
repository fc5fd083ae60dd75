"""CKV_AICOST_2 for Checkov: the model the resource uses is approved."""

from aicost_base import AICostCheck

from ai_cost_policy.rules.approved_model import ApprovedModel


class ApprovedModelCheck(AICostCheck):
    rule = ApprovedModel()


check = ApprovedModelCheck()
