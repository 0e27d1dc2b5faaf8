"""Imports written in bulk (core.bulk): the same rows, history and rollup as saves one by one."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.audit import acting_as
from accounts.models import Role
from accounts.services import create_user
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, FoundingCase, WorkforceSurvey
from organisation.models import Sector, SectorChange, UnitKind
from organisation.services import create_unit
from progress import rollup, services
from progress.models import Member, Record
from tests.actors import SYSTEM
from tests.factories import PASSWORD

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = create_unit(user=SYSTEM, name="Tỉnh Bulk", kind=UnitKind.PROVINCE)
    upper = create_unit(user=SYSTEM, name="Huyện Bulk", kind=UnitKind.DISTRICT, parent=province)
    union = create_unit(
        user=SYSTEM,
        name="CĐCS Bulk",
        kind=UnitKind.GRASSROOTS,
        parent=upper,
        sector=Sector.ENTERPRISE_SMALL,
        valid_from=D(2020, 1, 1),
    )
    return province, upper, union


def _people(n, start=1):
    return [
        {
            "full_name": f"Người Nhập {i}",
            "date_of_birth": D(1990, 1, 1 + i % 28),
            "gender": "male" if i % 2 else "female",
            "ethnicity": "Thái",
            "cccd": f"0011990{i:05d}",
            "job": "Công nhân",
            "admitted_on": D(2024, 7, 1 + i % 5),
        }
        for i in range(start, start + n)
    ]


def test_admitted_members_records_history_and_rollup_as_one_by_one(tree):
    province, upper, union = tree
    rollup.rebuild()
    SectorChange.objects.create(
        unit=union, sector=Sector.ENTERPRISE_LARGE, effective_from=D(2024, 7, 3)
    )
    officer = create_user(
        username="bulk.officer", password=PASSWORD, role=Role.UNIT_OFFICER, unit=upper,
        validate=False,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries, acting_as(officer):
        members = services.admit_members(union=union, members=_people(60), user=officer)
    assert len(queries) < 40  # not per member
    saved = list(Member.objects.order_by("id"))
    assert [m.pk for m in members] == [m.pk for m in saved]
    assert [(m.full_name, m.cccd, m.union_id, m.admitted_on) for m in members] == [
        (m.full_name, m.cccd, m.union_id, m.admitted_on) for m in saved
    ]
    for member in saved:
        record = member.records.get()
        assert record.entered_by == officer and record.entered_at is not None
        assert record.date == member.admitted_on and record.count == 1
        # The sector as of the record's date (the union grew on 3 July).
        expected = Sector.ENTERPRISE_LARGE if member.admitted_on >= D(2024, 7, 3) else "dn_small"
        assert record.sector == expected
        (row,) = member.history.all()
        assert row.history_type == "+" and row.history_user == officer
        assert row.cccd == member.cccd and row.full_name == member.full_name
        (record_row,) = record.history.all()
        assert record_row.history_user == officer and record_row.entered_at == record.entered_at
    assert rollup.differences() == []
    assert Record.objects.count() == 60


def test_a_duplicate_stops_the_whole_list(tree):
    _province, _upper, union = tree
    services.admit_members(union=union, members=_people(1, start=7), user=SYSTEM)
    with pytest.raises(services.ProgressError, match="đã là đoàn viên"):
        services.admit_members(union=union, members=_people(10), user=SYSTEM)
    assert Member.objects.count() == 1 and Record.objects.count() == 1


def test_enterprise_import_creates_and_updates_in_bulk(tree):
    _province, upper, _union = tree
    old = enterprise_services.create_enterprise(
        name="Công ty Cũ", unit=upper, user=SYSTEM, workers=40, surveyed_on=D(2024, 1, 10)
    )
    later = enterprise_services.create_enterprise(
        name="Công ty Khảo Sát Sau", unit=upper, user=SYSTEM, workers=90,
        surveyed_on=D(2024, 6, 1),
    )  # fmt: skip
    creates = [
        {"name": f"Công ty Mới {i}", "unit": upper, "tax_code": "", "workers": 10 + i,
         "surveyed_on": D(2024, 5, 2)}
        for i in range(5)
    ]  # fmt: skip
    updates = [
        {"enterprise": old, "changes": {"unit": upper, "industry": "Chè"}, "workers": 55,
         "surveyed_on": D(2024, 5, 2)},
        # An earlier survey than the register's: kept, but the latest stays the latest.
        {"enterprise": later, "changes": {"unit": upper}, "workers": 70,
         "surveyed_on": D(2024, 3, 1)},
    ]  # fmt: skip
    with transaction.atomic():
        enterprise_services.import_enterprises(
            creates=creates, updates=updates, user=SYSTEM, source="Nhập từ tệp x.xlsx"
        )
    new = Enterprise.objects.get(name="Công ty Mới 3")
    assert new.name_key == "công ty mới 3" and new.workers == 13
    assert new.surveys.get().source == "Nhập từ tệp x.xlsx"
    assert FoundingCase.objects.get(enterprise=new).identified_on == D(2024, 5, 2)
    assert new.history.get().history_type == "+"
    old.refresh_from_db()
    assert (old.industry, old.workers, old.workers_surveyed_on) == ("Chè", 55, D(2024, 5, 2))
    assert old.history.latest("history_id").history_type == "~"
    later.refresh_from_db()
    assert (later.workers, later.workers_surveyed_on) == (90, D(2024, 6, 1))
    assert WorkforceSurvey.objects.filter(enterprise=later).count() == 2


def test_enterprise_import_with_and_without_a_workforce_has_every_history_row(tree):
    _province, upper, _union = tree
    creates = [
        {"name": "Công ty Có Lao Động", "unit": upper, "workers": 12, "surveyed_on": D(2024, 5, 2)},
        {"name": "Công ty Chưa Khảo Sát", "unit": upper, "workers": None,
         "surveyed_on": D(2024, 4, 1)},
    ]  # fmt: skip
    with transaction.atomic():
        enterprise_services.import_enterprises(
            creates=creates, updates=[], user=SYSTEM, source="Nhập từ tệp y.xlsx"
        )
    surveyed = Enterprise.objects.get(name="Công ty Có Lao Động")
    unsurveyed = Enterprise.objects.get(name="Công ty Chưa Khảo Sát")
    survey = surveyed.surveys.get()
    assert (survey.workers, survey.surveyed_on, survey.source) == (
        12, D(2024, 5, 2), "Nhập từ tệp y.xlsx"
    )  # fmt: skip
    assert survey.recorded_at is not None and survey.history.get().workers == 12
    assert not unsurveyed.surveys.exists() and unsurveyed.workers is None
    cases = {case.enterprise_id: case for case in FoundingCase.objects.all()}
    assert cases[surveyed.pk].identified_on == D(2024, 5, 2)
    assert cases[unsurveyed.pk].identified_on == D(2024, 4, 1)
    for enterprise in (surveyed, unsurveyed):
        assert enterprise.history.get().history_type == "+"
        case = cases[enterprise.pk]
        assert case.unit_id == upper.pk and case.identified_at is not None
        assert case.history.get().identified_on == case.identified_on


def test_members_and_records_written_from_them_on_a_sector_change(tree):
    """The records written by the database (one sector per day) equal the ones saved alone."""
    _province, _upper, union = tree
    SectorChange.objects.create(
        unit=union, sector=Sector.ENTERPRISE_LARGE, effective_from=D(2024, 7, 3)
    )
    with transaction.atomic():
        members = services.admit_members(union=union, members=_people(12), user=SYSTEM)
    assert len(members) == 12
    records = Record.objects.filter(member__in=[m.pk for m in members]).order_by("member_id")
    assert [(r.member_id, r.date, r.kind, r.count) for r in records] == [
        (m.pk, m.admitted_on, "admitted", 1) for m in members
    ]
    assert {r.sector for r in records if r.date >= D(2024, 7, 3)} == {Sector.ENTERPRISE_LARGE}
    assert {r.sector for r in records if r.date < D(2024, 7, 3)} == {"dn_small"}
    assert all(r.leave_reason == "" and r.note == "" and r.entered_at for r in records)
    assert [h.member_id for r in records for h in r.history.all()] == [m.pk for m in members]


def test_an_account_deleted_in_the_admin_leaves_its_rows_unattributed(tree):
    """Who entered a row is kept without a database constraint (core.history.attribution):
    Django's on_delete still clears it, on the rows and on their history."""
    _province, upper, union = tree
    officer = create_user(
        username="bulk.gone", password=PASSWORD, role=Role.UNIT_OFFICER, unit=upper,
        validate=False,
    )  # fmt: skip
    with acting_as(officer):
        (member,) = services.admit_members(union=union, members=_people(1), user=officer)
        enterprise = enterprise_services.create_enterprise(
            name="Công ty Xoá Tài Khoản", unit=upper, user=officer, workers=40
        )
    record = member.records.get()
    assert record.entered_by == officer and enterprise.created_by == officer
    officer.delete()
    record.refresh_from_db()
    enterprise.refresh_from_db()
    assert record.entered_by_id is None and enterprise.created_by_id is None
    assert WorkforceSurvey.objects.get(enterprise=enterprise).recorded_by_id is None
    assert FoundingCase.objects.get(enterprise=enterprise).identified_by_id is None
    assert not member.history.filter(history_user_id__isnull=False).exists()
    assert not record.history.filter(history_user_id__isnull=False).exists()
