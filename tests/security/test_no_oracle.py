"""No membership oracle: a CCCD already in another subtree's register is refused without naming
the union or confirming membership, and member entry is throttled per user."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from progress import services
from progress.member_rows import RawRow, validate_rows
from tests.actors import SYSTEM

CCCD = "038090001234"


def _person(cccd, name="Vàng A Sử"):
    return {
        "full_name": name,
        "date_of_birth": datetime.date(1992, 3, 4),
        "gender": "male",
        "ethnicity": "Mông",
        "cccd": cccd,
        "job": "Lái xe",
        "admitted_on": datetime.date(2024, 7, 3),
    }


@pytest.fixture(autouse=True)
def _fresh_throttle(db):  # the throttle counts live in the database cache
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member_b(tree):
    (member,) = services.admit_members(union=tree.union_b, members=[_person(CCCD)], user=SYSTEM)
    return member


def _post_row(client, union, cccd):
    return client.post(
        reverse("progress:add_members"),
        {
            "union": union.pk,
            "rows": "1",
            "row-0-full_name": "Người Thử",
            "row-0-date_of_birth": "04/03/1992",
            "row-0-gender": "Nam",
            "row-0-cccd": cccd,
            "row-0-admitted_on": "03/07/2024",
        },
    )


def test_a_cccd_of_another_district_is_refused_without_naming_its_union(tree, member_b, signed_in):
    html = _post_row(signed_in(tree.officer_a), tree.union_a, CCCD).content.decode()
    assert "không nhập được vào đơn vị này" in html
    assert "CĐCS Công ty B" not in html and "đã là đoàn viên" not in html
    assert tree.union_a.members.count() == 0


def test_the_service_and_the_row_check_are_neutral_too(tree, member_b):
    with pytest.raises(services.ProgressError) as refused:
        services.admit_members(union=tree.union_a, members=[_person(CCCD)], user=tree.officer_a)
    assert "CĐCS Công ty B" not in str(refused.value) and "đoàn viên của" not in str(refused.value)
    raw = RawRow(
        number=1,
        values={**_person(CCCD), "gender": "Nam", "date_of_birth": "04/03/1992"},
    )
    _members, errors = validate_rows([raw], tree.union_a, user=tree.officer_a)
    assert len(errors) == 1 and "CĐCS Công ty B" not in str(errors[0])


def test_those_who_may_see_the_other_union_are_told_which_it_is(tree, member_b, signed_in):
    with pytest.raises(services.ProgressError) as refused:
        services.admit_members(union=tree.union_a, members=[_person(CCCD)], user=tree.admin)
    assert "đã là đoàn viên của CĐCS Công ty B" in str(refused.value)
    html = _post_row(signed_in(tree.officer_b), tree.union_b, CCCD).content.decode()
    assert "đã là đoàn viên của CĐCS Công ty B" in html


def test_member_entry_is_throttled_per_user(tree, signed_in, settings):
    settings.MEMBER_ENTRY_PER_MINUTE = 3
    client = signed_in(tree.officer_a)
    for n in range(3):
        response = _post_row(client, tree.union_a, f"03809000100{n}")
        assert response.status_code == 302
    html = _post_row(client, tree.union_a, "038090001009").content.decode()
    assert "Đã nhập quá 3 số CCCD trong một phút" in html
    assert tree.union_a.members.count() == 3
    # Another officer is not held back by the first one's entries.
    response = _post_row(signed_in(tree.officer_b), tree.union_b, "038090001010")
    assert response.status_code == 302
    # The service refuses as well (the Excel import and founding members go through it).
    with pytest.raises(services.ProgressError, match="Đã nhập quá 3 số CCCD"):
        services.admit_members(
            union=tree.union_a, members=[_person("038090001011")], user=tree.officer_a
        )


def test_a_list_over_the_limit_by_itself_says_to_split_it(tree, settings):
    settings.MEMBER_ENTRY_PER_MINUTE = 3
    people = [_person(f"03809000200{n}") for n in range(4)]
    with pytest.raises(services.ProgressError) as refused:
        services.admit_members(union=tree.union_a, members=people, user=tree.officer_a)
    message = str(refused.value)
    assert "Danh sách có 4 số CCCD, quá giới hạn 3" in message
    assert "tối đa 3 dòng" in message
    assert tree.union_a.members.count() == 0
