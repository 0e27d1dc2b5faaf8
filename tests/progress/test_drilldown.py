"""Drilling into a unit (?under=ID) totals and charts that unit; ranks are among every unit of
the same level, not among the rows one may see ("2/2", not "Hạng 1")."""

import pytest

from accounts.models import Role
from progress import dashboard as boards
from tests.home.factories import admit, federation, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed():
    fed = federation(targets=(10, 4))
    admit(fed.union_a, 3)
    admit(fed.union_b, 4)
    return fed


def test_under_a_unit_the_totals_row_is_that_unit(fed):
    board = boards.build(fed.period, visible_unit_ids=None, parent=fed.unit_a)
    assert [r.unit for r in board.rows] == [fed.union_a]
    assert board.province.unit == fed.unit_a and board.province.is_parent
    assert (board.province.cells[0].achieved, board.province.cells[0].target) == (3, 10)


def test_the_drill_down_page_totals_and_charts_the_unit(fed, client_for):
    viewer = user("t.viewer", Role.PROVINCE_VIEWER, fed.province)
    url = f"/progress/{fed.plan.pk}/{fed.period.code}/?under={fed.unit_a.pk}"
    body = client_for(viewer).get(url).content.decode()
    assert "Cộng LĐLĐ huyện A" in body
    assert "Toàn tỉnh" not in body
    assert "LĐLĐ huyện A — Thực tăng (người): đạt 3 / 10" in body


def test_a_unit_officer_is_ranked_among_all_plan_units(fed, client_for):
    officer_a = user("t.a", Role.UNIT_OFFICER, fed.unit_a)
    board = boards.build(fed.period, visible_unit_ids={fed.unit_a.pk})
    assert [r.unit for r in board.rows] == [fed.unit_a]
    assert (board.rows[0].rank, board.ranked_among) == (2, 2)
    body = client_for(officer_a).get(f"/progress/{fed.plan.pk}/{fed.period.code}/")
    body = body.content.decode()
    assert "<td>2/2</td><td>LĐLĐ huyện A</td>" in body
    assert "LĐLĐ huyện B" not in body
