"""accounts.permissions.restrict: one row scoping for every list, export and selector."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.permissions import restrict, system_actor, unit_ids
from enterprises.models import Enterprise
from organisation.models import Unit, UnitPath
from plans.models import Plan


def test_officers_see_their_subtree_and_the_province_everything(
    admin_user, viewer_user, officer_a, unit_a, unit_b
):
    everything = Enterprise.objects.count()
    assert restrict(Enterprise.objects.all(), admin_user, "view").count() == everything
    assert restrict(Enterprise.objects.all(), viewer_user, "view").count() == everything
    mine = restrict(Enterprise.objects.all(), officer_a, "view")
    assert mine.exists() and set(mine.values_list("unit_id", flat=True)) == {unit_a.pk}
    below_a = set(UnitPath.objects.filter(ancestor=unit_a).values_list("descendant_id", flat=True))
    assert set(restrict(Unit.objects.all(), officer_a, "change").values_list("id", flat=True)) == (
        below_a
    )
    assert unit_ids(officer_a, "view") == below_a and unit_ids(admin_user, "change") is None


def test_viewers_change_nothing_and_strangers_see_nothing(viewer_user, officer_a, unit_b):
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Enterprise.objects.all(), viewer_user, "change").exists()
    assert not restrict(Enterprise.objects.all(), AnonymousUser(), "view").exists()
    assert not restrict(Enterprise.objects.filter(unit=unit_b), officer_a, "view").exists()
    assert restrict(Enterprise.objects.all(), system_actor("t"), "change").count() == (
        Enterprise.objects.count()
    )


def test_a_model_without_a_unit_field_fails_loudly(admin_user):
    with pytest.raises(ImproperlyConfigured):
        restrict(Plan.objects.all(), admin_user)
    with pytest.raises(ValueError):
        restrict(Unit.objects.all(), admin_user, "delete")


def test_organisation_does_not_import_progress():
    """The sector change reaches progress through organisation.services.sector_changed."""
    from pathlib import Path

    from django.conf import settings

    for path in (Path(settings.BASE_DIR) / "organisation").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#")[0].strip()
            assert not code.startswith(("from progress", "import progress")), (path, line)
