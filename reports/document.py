"""What an official report document says, independent of its format (Word, Excel, print page).

Decree 30/2020/NĐ-CP and QĐ 933/QĐ-TLĐ: the directly superior body's name and the issuing
body's name top left, then "Số: …/BC-…"; the national motto top right, then the place and date
line "Lai Châu, ngày 05 tháng 8 năm 2024" (a leading zero for days below 10 and months 1–2).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from organisation.models import Unit, UnitKind
from organisation.selectors import parent_of
from reports.figures import Figures
from reports.models import NARRATIVE_FIELDS, Report, ReportingDeadline

NATIONAL_BODY = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
MOTTO = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"

SECTION_TITLES = {
    "results": "Kết quả đạt được",
    "good_practices": "Cách làm hay, mô hình hiệu quả",
    "difficulties": "Khó khăn, vướng mắc",
    "proposals": "Đề xuất, kiến nghị",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

# The code after "BC-" in the number line, by the issuing unit's kind.
NUMBER_CODES = {
    UnitKind.PROVINCE: "LĐLĐ",
    UnitKind.DISTRICT: "LĐLĐ",
    UnitKind.INDUSTRY: "CĐN",
    UnitKind.CIVIL_SERVANTS: "CĐVC",
    UnitKind.COMMUNE: "CĐ",
}


def vn_date_line(place: str, day: datetime.date) -> str:
    """ "Lai Châu, ngày 05 tháng 8 năm 2024": zero-padded days < 10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def upper(text: str) -> str:
    return text.upper()


_PLACE = re.compile(r"\b(?:tỉnh|thành phố|huyện|thị xã|quận)\s+(.+)$", re.IGNORECASE)


def place_of(unit: Unit, province: Unit) -> str:
    """Where the unit sits: "Mường Tè" for LĐLĐ huyện Mường Tè, else the province's place."""
    for candidate in (unit, province):
        match = _PLACE.search(candidate.name)
        if match and candidate.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE):
            return match.group(1).strip()
    return ""


def superior_name(unit: Unit, on_date: datetime.date) -> str:
    """Line 1 top left: the directly superior body (the national federation for a province)."""
    if unit.kind == UnitKind.PROVINCE:
        return NATIONAL_BODY
    parent = parent_of(unit, on_date)
    if parent is None:
        return NATIONAL_BODY
    # The superior's name may be shortened as commonly known: "LĐLĐ TỈNH LAI CHÂU".
    return upper(parent.name).replace("LIÊN ĐOÀN LAO ĐỘNG", "LĐLĐ")


def number_line(report: Report | None, unit: Unit) -> str:
    if report is not None and report.number.strip():
        number = report.number.strip()
        return number if number.lower().startswith("số") else f"Số: {number}"
    code = NUMBER_CODES.get(unit.kind, "CĐCS")
    return f"Số:        /BC-{code}"


def subject_of(deadline: ReportingDeadline) -> str:
    if deadline.is_quarterly:
        quarter = ROMAN[(deadline.start.month - 1) // 3]
        return (
            f"Kết quả phát triển đoàn viên, thành lập công đoàn cơ sở quý {quarter} năm "
            f"{deadline.start.year} (từ ngày {deadline.start:%d/%m/%Y} đến ngày "
            f"{deadline.end:%d/%m/%Y})"
        )
    return (
        f"Kết quả thực hiện “{deadline.period.name}” phát triển đoàn viên, thành lập "
        f"công đoàn cơ sở; giới thiệu đoàn viên ưu tú cho Đảng xem xét bồi dưỡng, kết nạp"
    )


@dataclass
class Section:
    number: str
    title: str
    paragraphs: list[str]
    key: str = ""  # "results" carries the figures table; extensions name theirs


@dataclass
class ReportDocument:
    superior: str
    issuer: str
    number_line: str
    date_line: str
    title: str
    subject: str
    intro: str
    sections: list[Section]
    figures: Figures
    figures_caption: str
    consolidated: bool
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    status_note: str
    filename_stem: str
    plan_number: str
    period_name: str
    unit_name: str
    deadline: ReportingDeadline = field(repr=False, default=None)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()


def build_document(
    deadline: ReportingDeadline, unit: Unit, report: Report | None
) -> ReportDocument:
    from reports.selectors import unit_figures

    plan = deadline.plan
    province = plan.issuing_unit
    consolidated = unit.pk == province.pk
    figures = unit_figures(deadline, unit)
    if report is not None and report.dated_on:
        day = report.dated_on
    elif report is not None and report.submitted_at:
        day = timezone.localdate(report.submitted_at)
    else:
        day = timezone.localdate()
    from reports.extensions import extra_sections

    sections = extra_sections(deadline, unit, consolidated=consolidated)
    for name in NARRATIVE_FIELDS:
        text = getattr(report, name) if report is not None else ""
        sections.append(
            Section(
                "",
                upper(SECTION_TITLES[name]),
                _paragraphs(text) or ["(Chưa có nội dung.)"],
                key=name,
            )
        )
    for index, section in enumerate(sections):
        section.number = ROMAN[index]
    issuer_short = unit.name if not consolidated else "Ban Thường vụ LĐLĐ tỉnh"
    intro = (
        f"Thực hiện Kế hoạch số {plan.number} ngày {plan.issued_on:%d/%m/%Y} của "
        f"{plan.issuing_body} về {plan.title[:1].lower()}{plan.title[1:]}; "
        f"{issuer_short} báo cáo kết quả thực hiện như sau:"
    )
    if report is not None and report.is_accepted and report.accepted_at:
        status_note = (
            f"Số liệu đã chốt khi LĐLĐ tỉnh duyệt báo cáo ngày "
            f"{timezone.localdate(report.accepted_at):%d/%m/%Y}."
        )
    elif consolidated:
        status_note = (
            "Đơn vị có báo cáo đã duyệt: số liệu đã chốt; đơn vị khác: số liệu trực tiếp từ "
            "hệ thống."
        )
    else:
        status_note = "Số liệu trực tiếp từ hệ thống, chưa được LĐLĐ tỉnh duyệt."
    caption = f"Số liệu tính đến ngày {figures.as_of:%d/%m/%Y}"
    if figures.quarterly:
        caption += f"; thực hiện là số lũy kế từ ngày {deadline.period.start:%d/%m/%Y}"
    signer_title = (report.signer_title if report else "") or (
        plan.signer_title if consolidated else "Chủ tịch"
    )
    signer_name = (report.signer_name if report else "") or (
        plan.signer_name if consolidated else ""
    )
    recipients = report.recipient_lines() if report else []
    return ReportDocument(
        superior=superior_name(unit, deadline.end),
        issuer=upper(unit.name),
        number_line=number_line(report, unit),
        date_line=vn_date_line(place_of(unit, province), day),
        title="BÁO CÁO",
        subject=subject_of(deadline),
        intro=intro,
        sections=sections,
        figures=figures,
        figures_caption=caption,
        consolidated=consolidated,
        signer_authority="TM. BAN THƯỜNG VỤ",
        signer_title=upper(signer_title),
        signer_name=signer_name,
        recipients=recipients or ["- Như trên;", "- Lưu: VT."],
        status_note=status_note,
        filename_stem=f"bao-cao-{deadline.code}-{_slug(unit.short_name or unit.name)}",
        plan_number=plan.number,
        period_name=deadline.name,
        unit_name=unit.name,
        deadline=deadline,
    )
