"""Plans tests need only the organisation and plans demo data (not progress, reports, …)."""

import pytest
from django.db import transaction

from tests.actors import SYSTEM


@pytest.fixture
def demo(db):
    from organisation import demo as organisation_demo
    from plans import demo as plans_demo

    with transaction.atomic():
        organisation_demo.load(user=SYSTEM)
        plans_demo.load(user=SYSTEM)
