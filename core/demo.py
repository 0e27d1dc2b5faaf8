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
    "campaign.demo",
    "accounts.demo",
    "reports.demo",  # after accounts: demo report history names the demo officers
    "emulation.demo",
]

# After the 2024 plan: the illustrative 1/7/2025 reorganisation ("minh họa") and its officer.
# ``load_demo(reorganise=False)`` stops before it (the 2024 world alone, as the tests load it).
REORGANISATION_LOADERS = [
    "organisation.demo_reorganisation",
    "accounts.demo:load_after_reorganisation",
]


@transaction.atomic
def load_demo(stdout=None, *, user=None, reorganise: bool = True) -> None:
    user = user or system_actor("load_demo")
    for name in [*DEMO_LOADERS, *(REORGANISATION_LOADERS if reorganise else [])]:
        module_name, _sep, function = name.partition(":")
        loader = getattr(importlib.import_module(module_name), function or "load")
        with audit.acting_as(user):
            loader(user=user)
        if stdout is not None:
            stdout.write(f"  {name}: ok")
