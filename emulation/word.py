"""The reward submission (tờ trình đề nghị khen thưởng) as Word, in the Decree 30/2020/NĐ-CP
format of the reports (``reports.word``: the same page, fonts, header and signature blocks).

Layout: the issuing body (its superior above it) and "Số: …/TTr-…" top left, the national
motto and the place and date top right; "TỜ TRÌNH" and "Về việc …" centred; "Kính gửi:" the
body that decides; the grounds ("Căn cứ …"); one paragraph saying who is proposed; "I. Tập thể"
and "II. Cá nhân", each a table (TT, name, form of reward, achievements); the closing line;
"Nơi nhận:" left and the signature block right.

Who it is addressed to: a unit's submission goes to the provincial federation's Standing
Committee (Ban Thường vụ), which decides its own rewards and forwards those of the national
federation; the province's own submission goes to the body that decides each proposal's level
(the Presidium of the national federation for its Bằng khen, the Standing Committee for the
rest).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field, replace

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from emulation.export import ordered_proposals
from emulation.models import ProposalStatus, RecipientKind, RewardLevel
from organisation.models import Unit, UnitKind
from reports.document import NUMBER_CODES, place_of, superior_name, upper, vn_date_line
from reports.word import (
    BODY_PT,
    FONT,
    TEXT_WIDTH_MM,
    _cell_text,
    _clear,
    _grid_borders,
    _header,
    _para,
    _rule,
    _setup_section,
    _signature,
    _widths,
)

# What a submission proposes: not yet decided.
OPEN_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.REVIEWED)
NATIONAL_PRESIDIUM = "Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
LAW = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
TABLE_PT = 12
SMALL_PT = 11


@dataclass
class Submission:
    # the header and signature blocks, as reports.word's _header and _signature read them
    superior: str
    issuer: str
    number_line: str
    date_line: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    # the body
    title: str
    subject: str
    addressees: list[str]
    grounds: list[str]
    intro: str
    collectives: list = field(default_factory=list)
    individuals: list = field(default_factory=list)
    closing: str = ""
    filename_stem: str = "to-trinh-khen-thuong"


def _deciding_bodies(proposals, province: Unit, issuer: Unit) -> list[str]:
    standing = f"Ban Thường vụ {province.name}"
    if issuer.pk != province.pk:
        return [standing]
    bodies = []
    if any(p.level == RewardLevel.NATIONAL for p in proposals):
        bodies.append(NATIONAL_PRESIDIUM)
    if any(p.level != RewardLevel.NATIONAL for p in proposals) or not bodies:
        bodies.append(standing)
    return bodies


def build_submission(
    proposals,
    *,
    plan,
    issuer: Unit,
    period=None,
    rule_set=None,
    day: datetime.date | None = None,
) -> Submission:
    """The submission of the open proposals (proposed, reviewed) among ``proposals``."""
    day = day or timezone.localdate()
    province = plan.issuing_unit
    open_ones = ordered_proposals(p for p in proposals if p.status in OPEN_STATUSES)
    collectives = [p for p in open_ones if p.recipient_kind == RecipientKind.COLLECTIVE]
    individuals = [p for p in open_ones if p.recipient_kind == RecipientKind.INDIVIDUAL]
    is_province = issuer.pk == province.pk
    addressees = _deciding_bodies(open_ones, province, issuer)
    what = (
        f"trong {period.name[:1].lower()}{period.name[1:]} ({period.start:%d/%m/%Y} – "
        f"{period.end:%d/%m/%Y})"
        if period is not None
        else f"trong thực hiện Kế hoạch số {plan.number}"
    )
    subject = (
        f"Về việc đề nghị khen thưởng tập thể, cá nhân có thành tích xuất sắc {what} phát "
        f"triển đoàn viên, thành lập công đoàn cơ sở năm {plan.year}"
    )
    grounds = [
        LAW,
        f"Căn cứ Kế hoạch số {plan.number} ngày {plan.issued_on:%d/%m/%Y} của "
        f"{plan.issuing_body} về {plan.title[:1].lower()}{plan.title[1:]};",
    ]
    if rule_set is not None and period is not None:
        grounds.append(
            f"Căn cứ bộ tiêu chí thi đua phiên bản {rule_set.version} công bố ngày "
            f"{rule_set.published_on:%d/%m/%Y} và kết quả chấm điểm thi đua {period.name};"
        )
    who = issuer.name if not is_province else "Ban Thường vụ " + province.name
    to = addressees[0] if len(addressees) == 1 else "các cơ quan nêu trên"
    if open_ones:
        counts = []
        if collectives:
            counts.append(f"{len(collectives)} tập thể")
        if individuals:
            counts.append(f"{len(individuals)} cá nhân")
        intro = (
            f"{who} kính trình {to} xem xét, khen thưởng cho {' và '.join(counts)} có thành "
            f"tích xuất sắc {what}, cụ thể như sau:"
        )
    else:
        intro = f"{who} chưa có đề nghị khen thưởng nào đang chờ xem xét {what}."
    code = NUMBER_CODES.get(issuer.kind, "CĐCS")
    signer_title = (plan.signer_title if is_province else "") or "Chủ tịch"
    return Submission(
        superior=superior_name(issuer, day),
        issuer=upper(issuer.name),
        number_line=f"Số:        /TTr-{code}",
        date_line=vn_date_line(place_of(issuer, province) or "", day),
        signer_authority="TM. BAN THƯỜNG VỤ"
        if issuer.kind not in UnitKind.grassroots_level()
        else "TM. BAN CHẤP HÀNH",
        signer_title=upper(signer_title),
        signer_name=plan.signer_name if is_province else "",
        recipients=["- Như trên;", "- Lưu: VT."],
        title="TỜ TRÌNH",
        subject=subject,
        addressees=addressees,
        grounds=grounds,
        intro=intro,
        collectives=collectives,
        individuals=individuals,
        closing=f"{who} kính trình {to} xem xét, quyết định./." if open_ones else "",
        filename_stem=f"to-trinh-khen-thuong-{plan.year}",
    )


ONE_LINE_CHARS = 28  # bold capitals at 12 pt that fit the header's 82 mm left column


PLACE_WORDS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "THỊ XÃ", "QUẬN", "NGÀNH")


def balanced(name: str) -> str:
    """A long issuer name on two lines, broken before the place ("LIÊN ĐOÀN LAO ĐỘNG" /
    "TỈNH LAI CHÂU"), else between the words that make two lines of about the same length,
    instead of one word left over on a second line."""
    if len(name) <= ONE_LINE_CHARS or " " not in name:
        return name
    for word in PLACE_WORDS:
        at = name.find(f" {word} ")
        if at > 0:
            return name[:at] + "\n" + name[at + 1 :]
    words = name.split()
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _lines(cell, text: str, size=SMALL_PT):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]
    _clear(cell)
    for line in lines:
        _para(cell, line, size, align=WD_ALIGN_PARAGRAPH.LEFT)


def _proposal_table(document, proposals, *, individual: bool):
    widths = [10, 48, 37, 70]
    name_header = "Họ và tên, chức vụ, đơn vị" if individual else "Tên tập thể"
    headers = ["TT", name_header, "Hình thức khen thưởng", "Thành tích"]
    table = document.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, TABLE_PT, bold=True)
    # the header row repeats on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {})
    tr_pr.append(header)
    for number, p in enumerate(proposals, start=1):
        row = table.add_row()
        row._tr.get_or_add_trPr().append(header.makeelement(qn("w:cantSplit"), {}))
        cells = row.cells
        _cell_text(cells[0], str(number), TABLE_PT)
        if individual:
            _clear(cells[1])
            _para(cells[1], p.person_name, TABLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
            detail = ", ".join(x for x in (p.person_position, p.unit.name) if x)
            _para(cells[1], detail, SMALL_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            _cell_text(cells[1], p.unit.name, TABLE_PT, bold=True, align="left")
        _cell_text(cells[2], p.reward_label, TABLE_PT, align="left")
        _lines(cells[3], p.achievements)
    _widths(table, widths)
    return table


def build_docx(sub: Submission) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _setup_section(document.sections[0])
    _header(document, replace(sub, issuer=balanced(sub.issuer)))
    _para(document, sub.title, 14, bold=True, before=12)
    _para(document, sub.subject, 14, bold=True)
    _rule(document, 30, TEXT_WIDTH_MM)
    if len(sub.addressees) == 1:
        _para(document, f"Kính gửi: {sub.addressees[0]}.", BODY_PT, before=6, after=6)
    else:
        _para(document, "Kính gửi:", BODY_PT, before=6)
        for index, body in enumerate(sub.addressees):
            end = "." if index == len(sub.addressees) - 1 else ";"
            _para(document, f"- {body}{end}", BODY_PT, after=0)
        _para(document, "", 6)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    for text in [*sub.grounds, sub.intro]:
        _para(document, text, BODY_PT, align=justify, after=3, indent_mm=12.7, line=1.1)
    sections = [
        ("I", "KHEN THƯỞNG TẬP THỂ", sub.collectives, False),
        ("II", "KHEN THƯỞNG CÁ NHÂN", sub.individuals, True),
    ]
    for number, title, proposals, individual in sections:
        if not proposals:
            continue
        _para(
            document,
            f"{number}. {title} ({len(proposals)})",
            BODY_PT,
            bold=True,
            align=justify,
            before=6,
            after=3,
            indent_mm=12.7,
        )
        _proposal_table(document, proposals, individual=individual)
    if sub.closing:
        _para(document, sub.closing, BODY_PT, align=justify, before=6, indent_mm=12.7)
    _para(document, "", BODY_PT)
    _signature(document, sub)
    return document


def docx_bytes(sub: Submission) -> bytes:
    buffer = io.BytesIO()
    build_docx(sub).save(buffer)
    return buffer.getvalue()
