import datetime

import pytest

from organisation import selectors
from organisation.models import Unit, UnitKind
from organisation.services import create_unit, dissolve_unit, move_unit
from tests.actors import SYSTEM

D = datetime.date


@pytest.fixture
def tree(db):
    province = create_unit(name="LĐLĐ tỉnh X", kind=UnitKind.PROVINCE, user=SYSTEM)
    district = create_unit(
        name="LĐLĐ huyện A", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM
    )
    other = create_unit(name="LĐLĐ huyện B", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM)
    union = create_unit(
        name="CĐCS Công ty Một",
        kind=UnitKind.GRASSROOTS,
        parent=district,
        valid_from=D(2020, 1, 1),
        user=SYSTEM,
    )
    return province, district, other, union


def test_subtree_is_one_query_and_includes_grandchildren(tree, django_assert_num_queries):
    province, district, other, union = tree
    with django_assert_num_queries(1):
        names = set(selectors.subtree(province, D(2024, 7, 1)).values_list("name", flat=True))
    assert names == {"LĐLĐ tỉnh X", "LĐLĐ huyện A", "LĐLĐ huyện B", "CĐCS Công ty Một"}


def test_a_move_keeps_the_old_structure_for_old_dates(tree):
    province, district, other, union = tree
    move_unit(unit=union, new_parent=other, on_date=D(2025, 7, 1), user=SYSTEM)
    assert union in selectors.subtree(district, D(2024, 7, 1))
    assert union not in selectors.subtree(district, D(2025, 7, 1))
    assert union in selectors.subtree(other, D(2025, 7, 1))
    assert selectors.parent_of(union, D(2025, 6, 30)) == district
    assert selectors.parent_of(union, D(2025, 7, 1)) == other
    # The province sees it throughout.
    assert union in selectors.subtree(province, D(2024, 7, 1))
    assert union in selectors.subtree(province, D(2026, 1, 1))


def test_a_unit_is_not_in_any_subtree_before_it_was_founded(tree):
    province, _district, _other, union = tree
    assert union not in selectors.subtree(province, D(2019, 12, 31))


def test_dissolved_district_is_gone_after_but_not_before(tree):
    province, district, _other, union = tree
    dissolve_unit(unit=district, on_date=D(2025, 6, 30), user=SYSTEM)
    assert district in selectors.children(province, D(2024, 7, 1))
    assert district not in selectors.children(province, D(2025, 7, 1))
    assert union in selectors.subtree(province, D(2024, 7, 1))


def test_unit_names_match_regardless_of_case_spacing_and_normal_form(tree):
    import unicodedata

    typed = unicodedata.normalize("NFD", "  lđlđ   HUYỆN a ")
    assert selectors.find_unit_by_name(typed).name == "LĐLĐ huyện A"


def test_demo_has_the_province_and_its_eleven_units_in_source_order(demo):
    province = Unit.objects.get(kind=UnitKind.PROVINCE)
    names = list(selectors.children(province, D(2024, 7, 1)).values_list("name", flat=True))
    assert len(names) == 11
    assert names[0] == "LĐLĐ thành phố Lai Châu"
    assert names[-1] == "Công đoàn Viên chức tỉnh"
