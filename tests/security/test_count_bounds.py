"""Bounds on every count: a counted batch is refused above the union's size plus a margin and
above a hard cap (on SQLite and PostgreSQL, no 500); a province administrator corrects or voids
a batch with a reason, audited, and the totals (direct and rollup) follow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from enterprises.models import Enterprise
from progress import rollup, selectors, services
from progress.models import Record, RecordKind
from tests.actors import SYSTEM

DAY = datetime.date(2024, 7, 10)
HUGE = [99_999_999_999, 2**31, 2**31 - 1, services.BATCH_HARD_CAP + 1]


def _batch(tree, count, user=SYSTEM, kind=RecordKind.ADMITTED):
    return services.record_batch(
        kind=kind,
        union=tree.union_a,
        on_date=DAY,
        count=count,
        user=user or tree.officer_a,
        reason="retired" if kind == RecordKind.LEFT else "",
    )


def _net(tree):
    """Net members of district A in July 2024, through the rollup when it is current."""
    sums = selectors.grouped_sums(DAY.replace(day=1), DAY.replace(day=31), [tree.district_a.pk])
    direct = selectors.direct_sums(DAY.replace(day=1), DAY.replace(day=31), [tree.district_a.pk])
    assert sums == direct
    groups = sums[tree.district_a.pk]
    return sum(n for (_s, k), n in groups.items() if k == RecordKind.ADMITTED) - sum(
        n for (_s, k), n in groups.items() if k == RecordKind.LEFT
    )


@pytest.mark.parametrize("count", HUGE)
def test_a_huge_batch_is_refused_by_the_service(tree, count):
    with pytest.raises(services.ProgressError, match="quá lớn|vượt quá quy mô"):
        _batch(tree, count)
    assert not Record.objects.exists()


def test_a_huge_batch_is_refused_on_the_page_without_a_500(tree, signed_in):
    client = signed_in(tree.officer_a)
    for count in (99_999_999_999, 2**31):
        response = client.post(
            reverse("progress:batch"),
            {"union": tree.union_a.pk, "kind": "admitted", "date": "10/07/2024", "count": count},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "quá lớn" in html and "100.000" in html
    assert not Record.objects.exists()


def test_a_batch_is_bounded_by_the_union_size_plus_a_margin(tree):
    margin = services.BATCH_MARGIN
    with pytest.raises(services.ProgressError, match="vượt quá quy mô của “CĐCS Công ty A”"):
        _batch(tree, margin + 1)
    _batch(tree, margin)  # nothing known of the union: the margin alone
    _batch(tree, 2 * margin)  # now 1 000 members: 1 000 + margin
    Enterprise.objects.create(
        name="Công ty A", unit=tree.district_a, grassroots_union=tree.union_a, workers=20_000
    )
    _batch(tree, 20_000 + margin)  # the workforce counts as the union's size
    with pytest.raises(services.ProgressError, match="tối đa 100.000"):
        _batch(tree, services.BATCH_HARD_CAP + 1)


def test_the_database_refuses_a_count_above_the_cap(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Record.objects.create(
            kind=RecordKind.ADMITTED,
            union=tree.union_a,
            date=DAY,
            sector=tree.union_a.sector,
            count=services.BATCH_HARD_CAP + 1,
        )


@pytest.mark.parametrize("built_rollup", [False, True])
def test_an_administrator_corrects_and_voids_a_batch_and_totals_follow(tree, built_rollup):
    record = _batch(tree, 500)
    other = _batch(tree, 20, kind=RecordKind.LEFT)
    if built_rollup:
        rollup.rebuild()
    assert _net(tree) == 480
    services.correct_record(record=record, count=50, reason="Nhập nhầm số 500", user=tree.admin)
    assert _net(tree) == 30
    assert rollup.is_built() is built_rollup
    services.void_record(record=other, reason="Trùng với danh sách", user=tree.admin)
    assert _net(tree) == 50
    assert rollup.is_built() is built_rollup
    history = Record.history.filter(id=record.pk).order_by("history_date").last()
    assert history.count == 50 and "Nhập nhầm số 500" in history.history_change_reason
    assert history.history_user == tree.admin
    voided = Record.history.filter(id=other.pk, history_type="-").get()
    assert "Trùng với danh sách" in voided.history_change_reason
    assert voided.history_user == tree.admin
    if built_rollup:  # the rollup followed both changes exactly
        assert rollup.differences() == []


def test_only_province_administrators_correct_and_only_counted_batches(tree):
    record = _batch(tree, 5)
    for user in (tree.viewer, tree.officer_a, tree.grassroots_a):
        with pytest.raises(PermissionDenied):
            services.void_record(record=record, reason="Không được phép", user=user)
    with pytest.raises(services.ProgressError, match="Ghi lý do"):
        services.void_record(record=record, reason=" ", user=tree.admin)
    with pytest.raises(services.ProgressError, match="quá lớn"):
        services.correct_record(record=record, count=2**31, reason="Sửa cho đúng", user=tree.admin)
    (member,) = services.admit_members(
        union=tree.union_a,
        members=[
            {
                "full_name": "Lò Văn Một",
                "date_of_birth": datetime.date(1990, 1, 1),
                "gender": "male",
                "ethnicity": "",
                "cccd": "012345678999",
                "job": "",
                "admitted_on": DAY,
            }
        ],
        user=SYSTEM,
    )
    with pytest.raises(services.ProgressError, match="sổ đoàn viên"):
        services.void_record(record=member.records.get(), reason="Sửa cho đúng", user=tree.admin)


def test_the_correction_page(tree, signed_in):
    record = _batch(tree, 40)
    url = reverse("progress:correct_record", args=[record.pk])
    for user in (tree.viewer, tree.officer_a):
        assert signed_in(user).get(url).status_code == 403
    client = signed_in(tree.admin)
    assert "record-count" in client.get(url).content.decode()
    response = client.post(url, {"action": "correct", "count": 2**31, "reason": "Sửa số cho đúng"})
    assert response.status_code == 200 and "quá lớn" in response.content.decode()
    back = "/progress/"
    response = client.post(
        url, {"action": "correct", "count": 4, "reason": "Sửa số cho đúng", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    record.refresh_from_db()
    assert record.count == 4
    response = client.post(
        url, {"action": "void", "reason": "Huỷ vì nhập trùng", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert not Record.objects.filter(pk=record.pk).exists()
