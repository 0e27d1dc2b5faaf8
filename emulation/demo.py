"""Demo emulation rule for plan 78/KH-LĐLĐ: version 1 published on 15/06/2024 (ASSUMED: the
plan says Ban CSPL&QHLĐ builds the criteria but gives none; these are a sample). Idempotent."""

import datetime

from emulation import services
from emulation.models import RuleSet
from plans.models import Plan

PLAN_NUMBER = "78/KH-LĐLĐ"
PUBLISHED_ON = datetime.date(2024, 6, 15)


def load(*, user) -> None:
    plan = Plan.objects.filter(number=PLAN_NUMBER).first()
    if plan is None or RuleSet.objects.filter(plan=plan).exists():
        return
    rule_set = services.new_version(plan=plan, user=user)
    services.publish_rule(rule_set=rule_set, published_on=PUBLISHED_ON, user=user)
