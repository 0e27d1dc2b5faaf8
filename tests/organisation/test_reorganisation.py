"""The point of effective-dated structure: a 2025 reorganisation leaves 2024 untouched.

LĐLĐ huyện Mường Tè (demo) is dissolved on 30/06/2025 and its grassroots unions move to a new
commune union under the province from 01/07/2025; the reorganisation is made here, not in the
demo data.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisation import selectors
from organisation.models import Unit, UnitKind, UnitLink, UnitPath
from organisation.services import create_unit, merge_units
from plans.demo import PEAK_CODE, YEAR_CODE
from plans.models import Period
from tests.actors import SYSTEM

D = datetime.date
END_2025_06 = D(2025, 6, 30)
START_2025_07 = D(2025, 7, 1)


def _unions_of(district):
    return set(
        selectors.subtree(district, D(2024, 7, 15))
        .filter(kind__in=UnitKind.grassroots_level())
        .values_list("pk", flat=True)
    )


def _figures(province, district):
    from progress.selectors import achieved

    figures = {}
    for code in (PEAK_CODE, YEAR_CODE):
        period = Period.objects.get(code=code, plan__number="78/KH-LĐLĐ")
        figures[code] = achieved(period, [province.pk, district.pk])
    return figures


@pytest.fixture
def commune(province):
    return create_unit(
        name="Công đoàn xã Mường Tè",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=START_2025_07,
        user=SYSTEM,
    )


def test_reorganisation_keeps_2024_subtrees_and_figures(province, unit_a, commune):
    unions = _unions_of(unit_a)
    assert unions, "the demo has grassroots unions under Mường Tè"
    before = _figures(province, unit_a)
    assert any(before[PEAK_CODE].values()), "the demo has peak-month figures"

    moved = merge_units(sources=[unit_a], target=commune, on_date=END_2025_06, user=SYSTEM)

    assert {u.pk for u in moved} == unions
    unit_a.refresh_from_db()
    assert unit_a.dissolved_on == END_2025_06
    # 2024: the district still holds its unions, the commune union did not exist.
    assert _unions_of(unit_a) == unions
    assert unit_a in selectors.children(province, D(2024, 7, 15))
    assert not selectors.subtree(commune, D(2024, 7, 15)).exists()
    # After the reorganisation: the commune union holds them, the district is gone.
    after_ids = set(selectors.subtree(commune, D(2025, 7, 15)).values_list("pk", flat=True))
    assert unions <= after_ids
    assert not selectors.subtree(unit_a, D(2025, 7, 15)).exists()
    assert unit_a not in selectors.children(province, D(2025, 7, 15))
    assert commune in selectors.children(province, D(2025, 7, 15))
    for pk in unions:
        union = Unit.objects.get(pk=pk)
        assert selectors.parent_of(union, END_2025_06) == unit_a
        assert selectors.parent_of(union, START_2025_07) == commune
        assert selectors.paths_on(D(2025, 7, 15)).filter(ancestor=province, descendant=union)
    # The 2024 figures of the province and of the district are exactly as before.
    assert _figures(province, unit_a) == before


def test_the_pages_show_both_dates(client_for, admin_user, province, unit_a, commune):
    merge_units(sources=[unit_a], target=commune, on_date=END_2025_06, user=SYSTEM)
    client = client_for(admin_user)
    union = Unit.objects.get(pk=min(_unions_of(unit_a)))
    old = client.get(reverse("organisation:detail", args=[unit_a.pk]), {"on": "15/07/2024"})
    assert union in [n.unit for n in old.context["children"]]
    new = client.get(reverse("organisation:detail", args=[commune.pk]), {"on": "15/07/2025"})
    assert union in [n.unit for n in new.context["children"]]
    history = client.get(reverse("organisation:detail", args=[union.pk])).context["parent_links"]
    assert [(h["parent"], h["end"]) for h in history][-2:] == [
        (unit_a, END_2025_06),
        (commune, None),
    ]
    tree_2025 = client.get(reverse("organisation:tree"), {"on": "15/07/2025"}).context["tree"]
    names_2025 = [n.unit.name for n in tree_2025[0].upper_children]
    assert "Công đoàn xã Mường Tè" in names_2025 and "LĐLĐ huyện Mường Tè" not in names_2025
    tree_2024 = client.get(reverse("organisation:tree"), {"on": "15/07/2024"}).context["tree"]
    assert "LĐLĐ huyện Mường Tè" in [n.unit.name for n in tree_2024[0].upper_children]


def test_merge_form_creates_the_new_commune_union(client_for, admin_user, province, unit_a):
    unions = _unions_of(unit_a)
    before = _figures(province, unit_a)
    response = client_for(admin_user).post(
        reverse("organisation:merge"),
        {
            "sources": [unit_a.pk],
            "on_date": "30/06/2025",
            "new_name": "Công đoàn xã Mường Tè",
            "new_kind": UnitKind.COMMUNE,
            "new_sector": "mixed",
            "new_parent": province.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    commune = Unit.objects.get(name="Công đoàn xã Mường Tè")
    assert commune.founded_on == START_2025_07
    assert selectors.parent_of(commune, START_2025_07) == province
    assert unions <= set(selectors.subtree(commune, D(2025, 7, 15)).values_list("pk", flat=True))
    assert _figures(province, unit_a) == before


def test_merging_into_a_unit_under_the_source_is_refused_and_changes_nothing(province, unit_a):
    inside = Unit.objects.get(pk=min(_unions_of(unit_a)))
    hub = create_unit(name="Công đoàn xã Thử", kind=UnitKind.COMMUNE, parent=unit_a, user=SYSTEM)
    links, paths = UnitLink.objects.count(), UnitPath.objects.count()
    with pytest.raises(ValidationError) as refused:
        merge_units(sources=[unit_a], target=hub, on_date=END_2025_06, user=SYSTEM)
    assert "trực thuộc “LĐLĐ huyện Mường Tè”" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        merge_units(sources=[unit_a], target=inside, on_date=END_2025_06, user=SYSTEM)
    assert "công đoàn cơ sở" in " ".join(refused.value.messages)
    assert (UnitLink.objects.count(), UnitPath.objects.count()) == (links, paths)
    unit_a.refresh_from_db()
    assert unit_a.dissolved_on is None


def test_a_failure_half_way_through_a_merge_leaves_nothing_changed(
    province, unit_a, commune, monkeypatch
):
    from organisation import services

    links, paths = UnitLink.objects.count(), UnitPath.objects.count()

    def broken(units=None):
        raise RuntimeError("mất kết nối giữa chừng")

    monkeypatch.setattr(services, "rebuild_paths", broken)
    with pytest.raises(RuntimeError):
        merge_units(sources=[unit_a], target=commune, on_date=END_2025_06, user=SYSTEM)
    assert (UnitLink.objects.count(), UnitPath.objects.count()) == (links, paths)
    assert not UnitLink.objects.filter(parent=commune).exists()
    unit_a.refresh_from_db()
    assert unit_a.dissolved_on is None
