"""The demo data set: plan 78/KH-LĐLĐ of Lai Châu (2024). Each app contributes a ``demo.load``.

Loaders run in order inside one transaction and must be idempotent (safe to run again).
"""

import importlib

from django.db import transaction

DEMO_LOADERS = [
    "organisation.demo",
    "plans.demo",
    "progress.demo",
    "enterprises.demo",
    "accounts.demo",
    "reports.demo",  # after accounts: demo report history names the demo officers
]


@transaction.atomic
def load_demo(stdout=None) -> None:
    for module_name in DEMO_LOADERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.load()
        if stdout is not None:
            stdout.write(f"  {module_name}: ok")
