"""Fast entry, Excel import with preview, the CLI commands, and the record services."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from organisation.models import Sector, Unit
from plans.models import Indicator, Period
from progress import selectors, services
from progress.models import Member, Record, RecordKind
from tests.actors import SYSTEM
from tests.progress.excel_files import good_rows, member_list

UNION = "CĐCS Công ty Cổ phần Thủy điện Pắc Ma"


@pytest.fixture
def union(demo):
    return Unit.objects.get(name=UNION)


@pytest.fixture
def peak(demo):
    return Period.objects.get(code="thang-cao-diem-2024")


def _net(period, unit):
    ind = Indicator.objects.get(plan=period.plan, code="dv-thuc-tang")
    return selectors.achieved(period, [unit.pk])[unit.pk, ind.pk]


def _post_rows(rows):
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"row-{i}-{key}"] = value
    return data


def _row(n, **extra):
    return {
        "full_name": f"Giàng A Páo {n}",
        "date_of_birth": "02/03/1996",
        "gender": "Nam",
        "ethnicity": "Mông",
        "cccd": f"0120960000{n:02d}",
        "job": "Công nhân",
        "admitted_on": "10/07/2024",
        **extra,
    }


def test_add_members_page_saves_all_rows(union, peak, client_for, officer_a, unit_a):
    before = _net(peak, unit_a)
    data = {"union": union.pk, **_post_rows([_row(1), _row(2), {}, _row(3)])}
    response = client_for(officer_a).post(reverse("progress:add_members"), data)
    assert response.status_code == 302
    assert _net(peak, unit_a) == before + 3
    record = Record.objects.filter(member__cccd="012096000001").get()
    assert record.entered_by == officer_a and record.sector == Sector.ENTERPRISE_LARGE


def test_add_members_row_errors_save_nothing(union, client_for, officer_a):
    rows = [
        _row(1),
        _row(2, cccd="12345"),
        _row(3, cccd="012096000001"),
        _row(4, admitted_on="01/01/2099"),
    ]
    response = client_for(officer_a).post(
        reverse("progress:add_members"), {"union": union.pk, **_post_rows(rows)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "dòng 2" in html and "12 chữ số" in html
    assert "trùng với dòng 1" in html
    assert "tương lai" in html
    assert not Member.objects.filter(full_name__startswith="Giàng A Páo").exists()


def test_officer_cannot_enter_outside_subtree(demo, client_for, officer_b, union):
    response = client_for(officer_b).post(
        reverse("progress:add_members"), {"union": union.pk, **_post_rows([_row(1)])}
    )
    assert response.status_code == 200  # the union is not among the choices
    assert not Member.objects.filter(cccd="012096000001").exists()


def test_excel_import_preview_then_confirm(union, client_for, officer_a, tmp_path):
    path = member_list(tmp_path / "ds.xlsx", good_rows(3))
    client = client_for(officer_a)
    with path.open("rb") as handle:
        response = client.post(
            reverse("progress:import_members"), {"union": union.pk, "file": handle}
        )
    html = response.content.decode()
    assert "confirm-import" in html and "Lò Văn Thử 2" in html
    assert not Member.objects.filter(full_name__startswith="Lò Văn Thử").exists()
    token = response.context["preview"]["token"]
    response = client.post(reverse("progress:import_members"), {"confirm": token})
    assert response.status_code == 302
    assert Member.objects.filter(full_name__startswith="Lò Văn Thử", union=union).count() == 3


def test_excel_import_shows_row_errors(union, client_for, officer_a, tmp_path):
    # A member the officer may see (one elsewhere gets a neutral message: tests/security).
    from accounts.permissions import visible_units

    existing = Member.objects.filter(
        left_on__isnull=True, union__in=visible_units(officer_a)
    ).first()
    rows = good_rows(4)
    rows[0][4] = "0121"  # malformed CCCD, spreadsheet row 5
    rows[1][6] = datetime.datetime(2099, 1, 1)  # future date, row 6
    rows[3][4] = rows[2][4]  # same CCCD twice, row 8
    rows.append(["Người Đã Có", "01/01/1990", "Nữ", "Kinh", existing.cccd, "", "01/07/2024"])
    path = member_list(tmp_path / "loi.xlsx", rows)
    with path.open("rb") as handle:
        response = client_for(officer_a).post(
            reverse("progress:import_members"), {"union": union.pk, "file": handle}
        )
    errors = [str(e) for e in response.context["preview"]["errors"]]
    assert any("dòng 5" in e and "cột F" in e and "Số CCCD" in e for e in errors)
    assert any("dòng 6" in e and "Ngày kết nạp" in e and "tương lai" in e for e in errors)
    assert any("dòng 8" in e and "trùng với dòng 7" in e for e in errors)
    assert any("dòng 9" in e and "đã là đoàn viên" in e for e in errors)
    assert "confirm-import" not in response.content.decode()


def test_import_members_command(union, tmp_path, capsys):
    path = member_list(tmp_path / "ds.xlsx", good_rows(2))
    call_command("import_members", str(path), "--union", UNION)
    assert Member.objects.filter(full_name__startswith="Lò Văn Thử").count() == 2


def test_import_members_command_fails_atomically(union, tmp_path):
    rows = good_rows(3)
    rows[2][4] = "abc"
    path = member_list(tmp_path / "bad.xlsx", rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa lưu"):
        call_command("import_members", str(path), "--union", UNION, stderr=err)
    assert "dòng 7" in err.getvalue() and "cột F" in err.getvalue()


def test_import_members_command_one_message_per_bad_row(union, tmp_path):
    rows = good_rows(3)
    rows[0][4] = "abc"  # row 5: CCCD
    rows[0][6] = "31/02/2024"  # row 5: admission date
    rows[2][1] = "xx"  # row 7: date of birth
    path = member_list(tmp_path / "bad.xlsx", rows)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--union", UNION, stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert len(lines) == 2
    assert "dòng 5" in lines[0] and "cột F" in lines[0] and "cột H" in lines[0]
    assert "dòng 7" in lines[1] and "Ngày sinh" in lines[1]
    assert not Member.objects.filter(full_name__startswith="Lò Văn Thử").exists()


def test_import_members_command_unknown_union(demo, tmp_path):
    path = member_list(tmp_path / "ds.xlsx", good_rows(1))
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_members", str(path), "--union", "CĐCS Không Có")


def test_list_units(demo):
    out = io.StringIO()
    call_command("list_units", "--under", "LĐLĐ huyện Mường Tè", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("LĐLĐ huyện Mường Tè | LĐLĐ huyện/thành phố | Liên đoàn")
    assert any(UNION in line and line.endswith("| LĐLĐ huyện Mường Tè") for line in lines)
    with pytest.raises(CommandError):
        call_command("list_units", "--under", "Không có")


def test_export_progress_command(demo, tmp_path):
    out = tmp_path / "kq.xlsx"
    call_command(
        "export_progress",
        "--plan",
        "78/KH-LĐLĐ",
        "--period",
        "thang-cao-diem-2024",
        "--out",
        str(out),
    )
    sheet = load_workbook(out).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in texts
    assert "Thực hiện" in texts and "LĐLĐ huyện Mường Tè" in texts
    with pytest.raises(CommandError):
        call_command("export_progress", "--plan", "78/KH-LĐLĐ", "--period", "x", "--out", str(out))


def test_departure_transfer_and_party(peak, union, admin_user, unit_a, unit_b):
    (member,) = services.admit_members(
        union=union,
        members=[{**_row(9), "date_of_birth": datetime.date(1990, 1, 1), "gender": "male",
                  "admitted_on": datetime.date(2024, 7, 2)}],
        user=admin_user,
    )  # fmt: skip
    before = {u.pk: _net(peak, u) for u in (unit_a, unit_b)}
    other_a = Unit.objects.get(name="CĐCS Cơ quan UBND xã Bum Nưa")
    services.transfer_member(
        member=member, to_union=other_a, on_date=datetime.date(2024, 7, 5), user=admin_user
    )
    assert _net(peak, unit_a) == before[unit_a.pk]  # inside Mường Tè: no change
    target_b = Unit.objects.get(name="CĐCS Trường THCS Sơn Bình")
    member.refresh_from_db()
    services.transfer_member(
        member=member, to_union=target_b, on_date=datetime.date(2024, 7, 6), user=admin_user
    )
    assert _net(peak, unit_a) == before[unit_a.pk] - 1
    assert _net(peak, unit_b) == before[unit_b.pk] + 1
    member.refresh_from_db()
    intro = services.introduce_to_party(
        member=member, on_date=datetime.date(2024, 7, 8), user=admin_user
    )
    with pytest.raises(services.ProgressError):
        services.introduce_to_party(
            member=member, on_date=datetime.date(2024, 7, 9), user=admin_user
        )
    services.set_party_outcome(
        record=intro, outcome="admitted", on_date=datetime.date(2024, 9, 1), user=admin_user
    )
    services.record_departure(
        member=member, on_date=datetime.date(2024, 7, 20), reason="retired", user=admin_user
    )
    assert _net(peak, unit_b) == before[unit_b.pk]
    member.refresh_from_db()
    assert member.left_on == datetime.date(2024, 7, 20)
    with pytest.raises(services.ProgressError):
        services.record_departure(
            member=member, on_date=datetime.date(2024, 7, 21), reason="other", user=admin_user
        )
    # The CCCD is free again once the member has left.
    services.admit_members(
        union=union,
        members=[{**_row(9), "date_of_birth": datetime.date(1990, 1, 1), "gender": "male",
                  "admitted_on": datetime.date(2024, 7, 25)}],
        user=admin_user,
    )  # fmt: skip
    assert Record.objects.filter(member=member).first().history.exists()


def test_sector_is_stamped_as_of_the_record_date(demo, admin_user):
    from organisation.services import set_sector

    union = Unit.objects.get(name="CĐCS Công ty TNHH Xây dựng Thành Đạt Lai Châu")
    set_sector(
        unit=union,
        sector=Sector.ENTERPRISE_LARGE,
        effective_from=datetime.date(2024, 7, 15),
        user=SYSTEM,
    )
    early = services.record_batch(
        kind=RecordKind.ADMITTED,
        union=union,
        on_date=datetime.date(2024, 7, 10),
        count=2,
        user=admin_user,
    )
    late = services.record_batch(
        kind=RecordKind.ADMITTED,
        union=union,
        on_date=datetime.date(2024, 7, 20),
        count=2,
        user=admin_user,
    )
    assert early.sector == Sector.ENTERPRISE_SMALL and late.sector == Sector.ENTERPRISE_LARGE


def test_entry_forms(union, client_for, officer_a, admin_user):
    client = client_for(officer_a)
    member = Member.objects.filter(union__name="CĐCS Công ty Cổ phần Thủy điện Pắc Ma").first()
    assert client.get(reverse("progress:entry")).status_code == 200
    response = client.post(
        reverse("progress:departure", args=[member.pk]),
        {"date": "20/07/2024", "reason": "withdrew"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == datetime.date(2024, 7, 20)
    response = client.post(
        reverse("progress:found_union"),
        {"parent": officer_a.unit_id, "name": "CĐCS Công ty TNHH Mới Mường Tè", "kind": "grassroots",
         "sector": "dn_small", "founded_on": "21/07/2024"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Record.objects.filter(
        kind=RecordKind.UNION_FOUNDED, union__name="CĐCS Công ty TNHH Mới Mường Tè"
    ).exists()
    response = client.post(
        reverse("progress:batch"),
        {"union": union.pk, "kind": "admitted", "date": "22/07/2024", "count": "4"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("progress:entry")  # where the batch is listed
    other = Member.objects.filter(union__name="CĐCS Công ty Cổ phần Chè Tam Đường").first()
    response = client.post(
        reverse("progress:departure", args=[other.pk]), {"date": "20/07/2024", "reason": "withdrew"}
    )
    assert response.status_code == 403


def test_a_counted_batch_lands_where_it_is_listed(union, client_for, officer_a):
    """The register lists named members only; the entry page lists the batch just saved."""
    response = client_for(officer_a).post(
        reverse("progress:batch"),
        {"union": union.pk, "kind": "admitted", "date": "22/07/2024", "count": "7"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("progress:entry"), 302)]
    page = response.content.decode()
    assert "Đã ghi 7" in page
    recent = page.split("Bản ghi bạn nhập gần đây", 1)[1]
    first_row = recent.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "22/07/2024" in first_row and union.name in first_row and ">7<" in first_row


def test_a_member_list_typed_in_tcvn3_imports_with_names_repaired(union, tmp_path):
    from core.vnencodings import to_tcvn3

    names = ["Lò Văn Thử Dũng", "Nguyễn Thị Hường Thử", "Giàng Thị Mỷ Thử"]
    rows = good_rows(3)
    for row, name in zip(rows, names, strict=True):
        row[0] = to_tcvn3(name)
        row[3] = to_tcvn3("Thái")
    path = member_list(tmp_path / "tcvn3.xlsx", rows)
    call_command("import_members", str(path), "--union", UNION)
    saved = set(
        Member.objects.filter(union=union, full_name__contains="Thử").values_list(
            "full_name", "ethnicity"
        )
    )
    assert saved == {(name, "Thái") for name in names}


def test_an_oversized_member_file_is_refused_with_a_message(union, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    path = member_list(tmp_path / "to.xlsx", good_rows(3))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--union", UNION, stderr=err)
    assert "to.xlsx" in err.getvalue() and "quá giới hạn" in err.getvalue()


def test_a_million_row_member_file_is_refused_quickly_on_the_page(
    union, client_for, officer_a, tmp_path
):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_spreadsheet import million_rows_file

    upload = SimpleUploadedFile("trieu.xlsx", million_rows_file())
    started = time.perf_counter()
    response = client_for(officer_a).post(
        reverse("progress:import_members"), {"union": union.pk, "file": upload}
    )
    assert time.perf_counter() - started < 2
    html = response.content.decode()
    assert response.status_code == 200 and "quá giới hạn" in html
    assert len(html) < 100_000
    assert "confirm-import" not in html


def test_an_overlong_name_is_a_row_message_not_a_database_error(union, tmp_path):
    rows = good_rows(2)
    rows[1][0] = "1" + "0" * 308  # 1e308 written out: longer than a name is kept
    path = member_list(tmp_path / "long.xlsx", rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa lưu"):
        call_command("import_members", str(path), "--union", UNION, stderr=err)
    assert "dòng 6" in err.getvalue() and "cột B" in err.getvalue() and "quá dài" in err.getvalue()
    assert not Member.objects.filter(full_name__startswith="Lò Văn Thử").exists()
