"""export_report and send_reminders: the public CLI."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from docx import Document

from accounts.models import Role
from accounts.services import create_user
from reports.models import ReminderLog, Report, Status


def test_export_unit_quarter_docx(quarter3, unit_a, tmp_path, capsys):
    out = tmp_path / "q3.docx"
    call_command(
        "export_report",
        "--plan",
        "78/KH-LĐLĐ",
        "--period",
        "quy-3-2024",
        "--unit",
        "lđlđ huyện  MƯỜNG TÈ",
        "--format",
        "docx",
        "--out",
        str(out),
    )
    document = Document(str(out))
    headers = [c.text for c in document.tables[1].rows[0].cells]
    assert headers == ["TT", "Nội dung", "ĐVT", "Chỉ tiêu năm", "Trong quý", "Lũy kế", "Tỷ lệ (%)"]
    assert "Quý III/2024" in capsys.readouterr().out
    subjects = [p.text for p in document.paragraphs if p.text.startswith("Kết quả")]
    assert subjects[0].startswith("Kết quả phát triển đoàn viên, thành lập công đoàn cơ sở quý III")


def test_export_by_plan_period_code(campaign, tmp_path):
    out = tmp_path / "x.xlsx"
    call_command(
        "export_report", plan="78/KH-LĐLĐ", period="thang-cao-diem-2024", fmt="xlsx", out=str(out)
    )
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    "args, message",
    [
        ({"plan": "99/KH-XX"}, "Không tìm thấy kế hoạch"),
        ({"plan": "78/KH-LĐLĐ", "period": "quy-9"}, "không có kỳ báo cáo"),
        ({"plan": "78/KH-LĐLĐ", "unit": "LĐLĐ huyện Không Có"}, "Không tìm thấy đơn vị"),
    ],
)
def test_export_errors_exit_non_zero(campaign, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", fmt="docx", out=str(tmp_path / "x.docx"), **args)
    assert not (tmp_path / "x.docx").exists()


@pytest.fixture
def mailed_officers(unit_a, unit_b):
    return [
        create_user(
            username=name,
            password="x",
            role=Role.UNIT_OFFICER,
            unit=unit,
            email=f"{name}@example.vn",
            validate=False,
        )
        for name, unit in (("cb.a", unit_a), ("cb.b", unit_b))
    ]


def _about(name):
    return [m for m in mail.outbox if name in m.subject]


def test_reminders_before_the_deadline_once(campaign, mailed_officers):
    # 02/08/2024: 3 days before the campaign report is due (05/08/2024).
    call_command("send_reminders", "--today", "02/08/2024")
    # Mường Tè's report is accepted (demo), Tam Đường's is submitted: nobody to remind…
    assert _about("Tháng cao điểm") == []
    # …while both still owe the Q2 report (due 05/07/2024): overdue reminders.
    assert sorted(m.to[0] for m in _about("Quý II")) == ["cb.a@example.vn", "cb.b@example.vn"]
    Report.objects.filter(deadline=campaign, unit__name="LĐLĐ huyện Tam Đường").update(
        status=Status.RETURNED, return_reason="Bổ sung số liệu."
    )
    call_command("send_reminders", "--today", "02/08/2024")
    campaign_mail = _about("Tháng cao điểm")
    assert [m.to for m in campaign_mail] == [["cb.b@example.vn"]]
    message = campaign_mail[0]
    assert "[Nhắc hạn]" in message.subject and "05/08/2024" in message.subject
    assert "Bổ sung số liệu." in message.body
    # The same day again, and the next day: nothing new (the before-reminder goes once).
    total = len(mail.outbox)
    call_command("send_reminders", "--today", "02/08/2024")
    call_command("send_reminders", "--today", "03/08/2024")
    assert len(mail.outbox) == total
    assert len(_about("Tháng cao điểm")) == 1


def test_overdue_reminders_weekly_and_idempotent(quarter3, mailed_officers):
    # Q3 is due 05/10/2024; neither unit has a Q3 report.
    call_command("send_reminders", "--today", "06/10/2024")
    assert sorted(m.to[0] for m in _about("Quý III")) == ["cb.a@example.vn", "cb.b@example.vn"]
    assert all("[Quá hạn]" in m.subject for m in _about("Quý III"))
    call_command("send_reminders", "--today", "06/10/2024")
    call_command("send_reminders", "--today", "08/10/2024")
    assert len(_about("Quý III")) == 2
    call_command("send_reminders", "--today", "13/10/2024")
    assert len(_about("Quý III")) == 4
    # 60 days after the due date the overdue reminders stop.
    before = len(mail.outbox)
    call_command("send_reminders", "--today", "10/12/2024")
    assert len(mail.outbox) == before


def test_dry_run_sends_and_records_nothing(quarter3, mailed_officers, capsys):
    call_command("send_reminders", "--today", "06/10/2024", "--dry-run")
    assert mail.outbox == [] and ReminderLog.objects.count() == 0
    assert "Sẽ gửi: cb.a@example.vn — [Quá hạn] Báo cáo Quý III" in capsys.readouterr().out


def test_officers_without_email_are_skipped(quarter3):
    call_command("send_reminders", "--today", "06/10/2024")  # demo officers have no e-mail
    assert mail.outbox == []


def test_bad_date_is_an_error(db):
    with pytest.raises(CommandError, match="DD/MM/YYYY"):
        call_command("send_reminders", "--today", "2024-10-06")
