"""The demo data set: plan 78/KH-LĐLĐ of Lai Châu (2024). Each app contributes a ``demo.load``.

Loaders run in order inside one transaction and must be idempotent (safe to run again). Each
is called as ``load(user=...)``: the services it calls check that user's rights; by default the
demo acts as the ``load_demo`` system actor (accounts.permissions.SystemActor).
"""

import importlib

from django.db import transaction

from accounts import audit
from accounts.permissions import system_actor

DEMO_LOADERS = [
    "organisation.demo",
    "plans.demo",
    "progress.demo",
    "enterprises.demo",
    "accounts.demo",
    "reports.demo",  # after accounts: demo report history names the demo officers
]


@transaction.atomic
def load_demo(stdout=None, *, user=None) -> None:
    user = user or system_actor("load_demo")
    for module_name in DEMO_LOADERS:
        module = importlib.import_module(module_name)
        with audit.acting_as(user):
            module.load(user=user)
        if stdout is not None:
            stdout.write(f"  {module_name}: ok")
