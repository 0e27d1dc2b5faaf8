"""Emulation, issue 15 items 1 and 4: the campaign-organisation criteria, the ranking as Excel
(`export_emulation` and the page's download), the proposal list as Excel and the Word
submission (tờ trình) — each read back."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from campaign.models import DesignatedOfficer, Milestone, SteeringCommittee, Training
from emulation import campaign_criteria, selectors, services
from emulation.campaign_criteria import CampaignFacts, NewUnion
from emulation.export import ranking_bytes
from emulation.models import CriterionKind, RuleSet
from emulation.scoring import TIE_RULE, compute, score_unit
from emulation.word import balanced, build_submission, docx_bytes
from plans.demo import PEAK_CODE
from plans.models import Period
from tests.actors import SYSTEM

D = datetime.date
AFTER_CAMPAIGN = D(2024, 8, 20)
BANDS = {"excellent_min": Decimal(90), "good_min": Decimal(75), "done_min": Decimal(50)}
CAMPAIGN_RULE = [
    {"kind": CriterionKind.TARGET_SHARE, "name": "Chỉ tiêu", "weight": 50},
    {"kind": CriterionKind.COMMITTEE, "name": "Ban chỉ đạo", "weight": 10},
    {"kind": CriterionKind.OFFICER, "name": "Cán bộ phụ trách", "weight": 10},
    {"kind": CriterionKind.TRAININGS, "name": "Tập huấn CĐCS mới", "weight": 15},
    {"kind": CriterionKind.MILESTONES, "name": "Mốc chất lượng CĐCS mới", "weight": 15},
]


@pytest.fixture
def peak(demo):
    return Period.objects.select_related("plan").get(code=PEAK_CODE)


@pytest.fixture
def rule(peak):
    return RuleSet.objects.get(plan=peak.plan, version=1)


def publish_campaign_rule(plan, criteria=CAMPAIGN_RULE):
    draft = services.new_version(plan=plan, user=SYSTEM)
    services.save_rule(rule_set=draft, criteria=criteria, bands=BANDS, user=SYSTEM)
    return services.publish_rule(
        rule_set=draft, published_on=D(2024, 9, 1), reason="Thêm tiêu chí tổ chức", user=SYSTEM
    )


def _by_kind(row):
    return {c.criterion.kind: c for c in row.criteria}


# Campaign criteria ----------------------------------------------------------------------------


def test_campaign_criteria_follow_the_campaign_records(peak):
    v2 = publish_campaign_rule(peak.plan)
    before = compute(v2, peak, AFTER_CAMPAIGN)
    with_new = [r for r in before.rows if _by_kind(r)[CriterionKind.TRAININGS].applicable]
    without = [r for r in before.rows if not _by_kind(r)[CriterionKind.TRAININGS].applicable]
    assert with_new and without
    row = with_new[0]
    unit = row.unit
    parts = _by_kind(row)
    assert parts[CriterionKind.COMMITTEE].fraction == 0.0
    assert "Chưa có ban chỉ đạo" in parts[CriterionKind.COMMITTEE].parts[0].note
    assert parts[CriterionKind.OFFICER].fraction == 0.0
    assert parts[CriterionKind.TRAININGS].fraction == 0.0
    assert parts[CriterionKind.MILESTONES].fraction == 0.0
    assert not _by_kind(without[0])[CriterionKind.MILESTONES].applicable
    new_ids = list(parts[CriterionKind.TRAININGS].parts)
    first = campaign_criteria.load([unit.pk], peak, AFTER_CAMPAIGN)[unit.pk].new_unions[0]

    # a committee without its decision is not in place; with it, it is
    committee = SteeringCommittee.objects.create(unit=unit, name="Ban chỉ đạo huyện")
    note = _by_kind(compute(v2, peak, AFTER_CAMPAIGN).for_unit(unit.pk))
    assert note[CriterionKind.COMMITTEE].fraction == 0.0
    assert "chưa ghi số" in note[CriterionKind.COMMITTEE].parts[0].note
    committee.decision_number, committee.decision_on = "05/QĐ-LĐLĐ", D(2024, 6, 20)
    committee.save()
    DesignatedOfficer.objects.create(unit=unit, full_name="Lò Văn Phụ", since=D(2024, 6, 1))
    training = Training.objects.create(
        unit=unit, title="Tập huấn CĐCS mới", held_on=D(2024, 8, 10), participants=12
    )
    training.unions.add(first.pk)
    Milestone.objects.create(union_id=first.pk, kind="fees", reached_on=D(2024, 8, 15))
    Milestone.objects.create(union_id=first.pk, kind="dialogue", reached_on=D(2024, 8, 30))

    after = compute(v2, peak, AFTER_CAMPAIGN).for_unit(unit.pk)
    parts = _by_kind(after)
    n = len(new_ids)
    assert parts[CriterionKind.COMMITTEE].fraction == 1.0
    assert "05/QĐ-LĐLĐ" in parts[CriterionKind.COMMITTEE].parts[0].note
    assert parts[CriterionKind.OFFICER].fraction == 1.0
    assert parts[CriterionKind.TRAININGS].fraction == pytest.approx(1 / n)
    # the dialogue on 30/08 is after the day the scores are computed
    assert parts[CriterionKind.MILESTONES].fraction == pytest.approx(1 / (4 * n))
    assert after.score > row.score
    assert all(p.url == f"/campaign/units/{unit.pk}/" for c in after.criteria[1:] for p in c.parts)
    # before the officer's first day and the committee's decision, neither is in place
    early = _by_kind(compute(v2, peak, D(2024, 5, 20)).for_unit(unit.pk))
    assert early[CriterionKind.COMMITTEE].fraction == 0.0
    assert early[CriterionKind.OFFICER].fraction == 0.0


def test_the_unit_page_links_campaign_parts(client_for, admin_user, peak):
    v2 = publish_campaign_rule(peak.plan)
    row = next(r for r in compute(v2, peak).rows if _by_kind(r)[CriterionKind.TRAININGS].applicable)
    url = f"/emulation/plan/{peak.plan.pk}/{peak.code}/unit/{row.unit.pk}/?version=2"
    html = client_for(admin_user).get(url).content.decode()
    assert f'href="/campaign/units/{row.unit.pk}/"' in html
    assert 'data-kind="campaign_trainings"' in html


def _cell(pk, target, achieved, minimum=False):
    indicator = SimpleNamespace(pk=pk, name=f"ct{pk}", parent_id=None, is_minimum=minimum)
    return SimpleNamespace(indicator=indicator, target=target, achieved=achieved)


ALL_KINDS = [
    SimpleNamespace(kind=CriterionKind.TARGET_SHARE, weight=40, capped=True),
    SimpleNamespace(kind=CriterionKind.MINIMUMS_MET, weight=10, capped=True),
    SimpleNamespace(kind=CriterionKind.COMMITTEE, weight=10, capped=True),
    SimpleNamespace(kind=CriterionKind.OFFICER, weight=10, capped=True),
    SimpleNamespace(kind=CriterionKind.TRAININGS, weight=15, capped=True),
    SimpleNamespace(kind=CriterionKind.MILESTONES, weight=15, capped=True),
]
KINDS4 = ("agreement", "dialogue", "democracy", "fees")


def _facts(committee, officer, trained, reached):
    unions = [
        NewUnion(i, f"cđcs{i}", D(2024, 7, 1), t, frozenset(m))
        for i, (t, m) in enumerate(zip(trained, reached, strict=True))
    ]
    return CampaignFacts(
        committee="QĐ" if committee else None, officer="A" if officer else None, new_unions=unions
    )


@settings(max_examples=80, deadline=None)
@given(
    targets=st.lists(st.integers(0, 200), min_size=1, max_size=4),
    achieved=st.lists(st.integers(0, 300), min_size=4, max_size=4),
    rise=st.lists(st.integers(0, 50), min_size=4, max_size=4),
    minimum=st.lists(st.booleans(), min_size=4, max_size=4),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    unions=st.lists(
        st.tuples(
            st.booleans(),
            st.booleans(),
            st.sets(st.sampled_from(KINDS4)),
            st.sets(st.sampled_from(KINDS4)),
        ),
        max_size=5,
    ),
)
def test_a_score_never_falls_when_results_rise_campaign_included(
    targets, achieved, rise, minimum, flags, unions
):
    """More achieved, a committee or an officer put in place, more of the (fixed) new CĐCS
    trained, more milestones reached: the score never falls."""
    committee, committee_later, officer, officer_later = flags
    before_cells = [_cell(i, t, achieved[i], minimum[i]) for i, t in enumerate(targets)]
    after_cells = [_cell(i, t, achieved[i] + rise[i], minimum[i]) for i, t in enumerate(targets)]
    before = _facts(
        committee,
        officer,
        [t for t, _l, _m, _n in unions],
        [m for _t, _l, m, _n in unions],
    )
    after = _facts(
        committee or committee_later,
        officer or officer_later,
        [t or later for t, later, _m, _n in unions],
        [m | more for _t, _l, m, more in unions],
    )
    _p, low = score_unit(None, ALL_KINDS, before_cells, [], before)
    _p, high = score_unit(None, ALL_KINDS, after_cells, [], after)
    assert low is not None and high is not None
    assert high >= low - 1e-9


def test_without_the_campaign_app_campaign_criteria_do_not_apply(monkeypatch):
    monkeypatch.setattr(campaign_criteria, "available", lambda: False)
    period = SimpleNamespace(start=D(2024, 7, 1), end=D(2024, 7, 31))
    assert campaign_criteria.load([1, 2], period, D(2024, 8, 1)) == {}
    parts, total = score_unit(None, ALL_KINDS[2:], [], [], None)
    assert total is None and not any(p.applicable for p in parts)


# The ranking as Excel -------------------------------------------------------------------------


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def _table(ws):
    """Unit name → (TT, the row's values) for the rows below the header, until the notes."""
    rows, heading = {}, []
    for r in range(10, ws.max_row + 1):
        tt, name = ws.cell(r, 1).value, ws.cell(r, 2).value
        if isinstance(tt, str) and tt.startswith("Ghi chú"):
            break
        if isinstance(tt, str) and tt in ("I", "II"):
            heading.append(name)
        elif name:
            rows[name] = (tt, [ws.cell(r, c).value for c in range(3, ws.max_column + 1)])
    return heading, rows


def test_the_ranking_reads_back_with_its_breakdown(rule, peak):
    scores = compute(rule, peak, AFTER_CAMPAIGN)
    ws = _sheet(ranking_bytes(scores))
    assert ws["A1"].value == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    assert ws["A4"].value == "BẢNG TỔNG HỢP ĐIỂM THI ĐUA VÀ XẾP HẠNG"
    assert "phiên bản 1" in ws["A6"].value and "15/6/2024" in ws["A6"].value
    assert ws["A8"].value == "TT" and ws["B8"].value == "Đơn vị"
    criteria = list(rule.criteria.all())
    assert ws["C8"].value == f"{criteria[0].name} (trọng số {criteria[0].weight})"
    assert ws["C9"].value == "Tỷ lệ (%)" and ws["D9"].value == "Điểm"
    total_col = 3 + 2 * len(criteria)
    assert [ws.cell(8, total_col + i).value for i in range(3)] == [
        "Tổng điểm",
        "Xếp loại",
        "Xếp hạng",
    ]
    heading, rows = _table(ws)
    assert heading == ["CÔNG ĐOÀN CẤP TRÊN TRỰC TIẾP CƠ SỞ"]
    assert len(rows) == 11
    for r in scores.rows:
        tt, values = rows[r.unit.name]
        assert tt == r.rank  # TT follows the rank within the level
        assert values[2 * len(criteria)] == r.score
        assert values[2 * len(criteria) + 1] == r.band_label
        assert values[2 * len(criteria) + 2] == f"{r.rank}/{r.ranked_among}"
        for i, c in enumerate(r.criteria):
            expected = [round(100 * c.fraction, 1), c.points] if c.applicable else ["–", "–"]
            assert values[2 * i : 2 * i + 2] == expected
    notes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert f"Xếp hạng trong từng cấp: {TIE_RULE}" in notes


def test_export_emulation_writes_the_ranking_and_keeps_earlier_versions(rule, peak, tmp_path):
    out = tmp_path / "xep-hang.xlsx"
    call_command("export_emulation", "--plan", "78/KH-LĐLĐ", "--period", peak.code, "--out", out)
    first = _table(_sheet(out.read_bytes()))[1]
    publish_campaign_rule(peak.plan)
    call_command("export_emulation", "--plan", "78/KH-LĐLĐ", "--period", peak.code, "--out", out)
    ws = _sheet(out.read_bytes())
    assert "phiên bản 2" in ws["A6"].value
    assert ws["C8"].value == "Chỉ tiêu (trọng số 50)"
    call_command(
        "export_emulation",
        "--plan",
        "78/KH-LĐLĐ",
        "--period",
        peak.name,
        "--rule-version",
        "1",
        "--out",
        out,
    )
    again = _sheet(out.read_bytes())
    assert "phiên bản 1" in again["A6"].value
    assert _table(again)[1] == first  # the earlier version's scores are as they were
    with pytest.raises(CommandError, match="không có đợt"):
        call_command("export_emulation", "--plan", "78/KH-LĐLĐ", "--period", "x", "--out", out)
    with pytest.raises(CommandError, match="phiên bản 9"):
        call_command(
            "export_emulation", "--plan", "78/KH-LĐLĐ", "--rule-version", "9", "--out", out
        )


def test_the_ranking_page_downloads_the_rows_it_shows(client_for, admin_user, officer_a, peak):
    url = f"/emulation/plan/{peak.plan.pk}/{peak.code}/ranking.xlsx"
    page = client_for(admin_user).get(f"/emulation/plan/{peak.plan.pk}/{peak.code}/")
    html = page.content.decode()
    assert 'id="export-ranking"' in html and str(TIE_RULE) in html
    response = client_for(admin_user).get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(_table(_sheet(response.content))[1]) == 11
    mine = _table(_sheet(client_for(officer_a).get(url).content))[1]
    assert list(mine) == ["LĐLĐ huyện Mường Tè"]
    assert mine["LĐLĐ huyện Mường Tè"][1][-2].endswith("/11")  # rank among all, then the note
    assert client_for(admin_user).get(url + "?version=7").status_code == 404


# Proposals: Excel list and Word submission ----------------------------------------------------


def _propose(peak, unit, user, **extra):
    data = dict(recipient_kind="collective", form="bang_khen", level="province")
    data.update(extra)
    return services.propose_reward(plan=peak.plan, period=peak, unit=unit, user=user, **data)


@pytest.fixture
def proposals(peak, unit_a, unit_b, officer_a, officer_b):
    scores = compute(selectors.published_rule(peak.plan), peak, AFTER_CAMPAIGN)
    a = _propose(peak, unit_a, officer_a, achievements=selectors.achievements_text(scores, unit_a))
    person = _propose(
        peak,
        unit_a,
        officer_a,
        recipient_kind="individual",
        person_name="Lò Thị Hoa",
        person_position="Chủ tịch",
        form="giay_khen",
        achievements='=HYPERLINK("http://x")\n- Vượt chỉ tiêu',
    )
    national = _propose(peak, unit_b, officer_b, level="national", achievements="Xuất sắc")
    declined = _propose(
        peak,
        unit_b,
        officer_b,
        recipient_kind="individual",
        person_name="Tòng Văn Từ Chối",
        achievements="Chưa đủ",
    )
    services.decline_proposal(proposal=declined, reason="Chưa đủ tiêu chuẩn", user=SYSTEM)
    return SimpleNamespace(a=a, person=person, national=national, declined=declined)


def _list_rows(data: bytes):
    ws = _sheet(data)
    header = [c.value for c in ws[6]]
    return ws, header, [[c.value for c in row] for row in ws.iter_rows(min_row=7)]


def test_the_proposal_list_reads_back_scoped_to_the_unit(
    client_for, admin_user, officer_a, proposals, peak
):
    url = f"/emulation/proposals/export.xlsx?plan={peak.plan.pk}"
    ws, header, rows = _list_rows(client_for(admin_user).get(url).content)
    assert ws["A3"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    assert header[:3] == ["TT", "Đối tượng", "Tập thể / Họ và tên"]
    assert len(rows) == 4
    assert [r[1] for r in rows] == ["Tập thể", "Tập thể", "Cá nhân", "Cá nhân"]
    declined = next(r for r in rows if r[2] == "Tòng Văn Từ Chối")
    assert declined[8] == "Không khen thưởng" and declined[11] == "Chưa đủ tiêu chuẩn"
    ws, _h, mine = _list_rows(client_for(officer_a).get(url).content)
    assert {r[2] for r in mine} == {"LĐLĐ huyện Mường Tè", "Lò Thị Hoa"}
    assert ws["A2"].value == "LĐLĐ HUYỆN MƯỜNG TÈ"
    # an achievements text that looks like a formula stays text
    cell = next(row[7] for row in ws.iter_rows(min_row=7) if row[2].value == "Lò Thị Hoa")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert client_for(admin_user).get("/emulation/proposals/export.pdf").status_code == 404


def _docx_text(data: bytes) -> tuple[str, list]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.append(cell.text)
    return "\n".join(texts), document.tables


def test_the_province_submission_lists_the_open_proposals(client_for, admin_user, proposals, peak):
    url = f"/emulation/proposals/export.docx?plan={peak.plan.pk}&period={peak.code}"
    response = client_for(admin_user).get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.word")
    text, tables = _docx_text(response.content)
    for expected in (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "/TTr-LĐLĐ",
        "TỜ TRÌNH",
        "Kính gửi:",
        "- Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam;",
        "- Ban Thường vụ Liên đoàn Lao động tỉnh Lai Châu.",
        "Căn cứ Kế hoạch số 78/KH-LĐLĐ",
        "bộ tiêu chí thi đua phiên bản 1",
        "2 tập thể và 1 cá nhân",
        "I. KHEN THƯỞNG TẬP THỂ (2)",
        "II. KHEN THƯỞNG CÁ NHÂN (1)",
        "Bằng khen Tổng Liên đoàn Lao động Việt Nam",
        "Lò Thị Hoa",
        "Nơi nhận:",
        "TM. BAN THƯỜNG VỤ",
        "xem xét, quyết định./.",
    ):
        assert expected in text, expected
    assert "Tòng Văn Từ Chối" not in text  # declined: not proposed any more
    assert "Lai Châu, ngày" in text
    # header table, the collectives, the individuals, the signature
    assert len(tables) == 4
    assert [c.text for c in tables[1].rows[0].cells] == [
        "TT",
        "Tên tập thể",
        "Hình thức khen thưởng",
        "Thành tích",
    ]


def test_a_unit_submission_goes_to_the_province(client_for, officer_a, officer_b, proposals, peak):
    url = f"/emulation/proposals/export.docx?plan={peak.plan.pk}"
    text, _tables = _docx_text(client_for(officer_a).get(url).content)
    assert "LĐLĐ HUYỆN MƯỜNG TÈ" in text
    assert "Kính gửi: Ban Thường vụ Liên đoàn Lao động tỉnh Lai Châu." in text
    assert "Mường Tè, ngày" in text
    assert "Lò Thị Hoa" in text and "LĐLĐ huyện Tam Đường" not in text
    other, _t = _docx_text(client_for(officer_b).get(url).content)
    assert "Lò Thị Hoa" not in other and "1 tập thể" in other


def test_an_empty_submission_says_so(peak, province):
    sub = build_submission([], plan=peak.plan, issuer=province, period=peak)
    text, tables = _docx_text(docx_bytes(sub))
    assert "chưa có đề nghị khen thưởng nào" in text and len(tables) == 2


def test_long_issuer_names_break_before_the_place():
    assert balanced("LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU") == "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH LAI CHÂU"
    assert balanced("LĐLĐ HUYỆN MƯỜNG TÈ") == "LĐLĐ HUYỆN MƯỜNG TÈ"


def test_the_proposals_page_has_the_downloads(client_for, officer_a, proposals, peak):
    html = client_for(officer_a).get("/emulation/proposals/").content.decode()
    assert 'id="export-xlsx"' in html and 'id="export-docx"' in html
    assert f"proposals/export.docx?plan={peak.plan.pk}" in html


def test_the_own_plan_criterion_follows_the_units_recorded_plan(peak):
    from campaign.models import UnitPlan

    rule = [*CAMPAIGN_RULE, {"kind": CriterionKind.OWN_PLAN, "name": "Kế hoạch", "weight": 10}]
    v2 = publish_campaign_rule(peak.plan, criteria=rule)
    row = compute(v2, peak, AFTER_CAMPAIGN).rows[0]
    unit = row.unit
    own = _by_kind(row)[CriterionKind.OWN_PLAN]
    assert own.fraction == 0.0 and "Chưa có kế hoạch" in own.parts[0].note
    UnitPlan.objects.create(plan=peak.plan, unit=unit, number="07/KH-LĐLĐ", issued_on=D(2024, 7, 1))
    after = compute(v2, peak, AFTER_CAMPAIGN).for_unit(unit.pk)
    own = _by_kind(after)[CriterionKind.OWN_PLAN]
    assert own.fraction == 1.0 and "07/KH-LĐLĐ" in own.parts[0].note
    assert after.score > row.score
    # a plan issued after the day the scores are computed does not count yet
    early = _by_kind(compute(v2, peak, D(2024, 6, 20)).for_unit(unit.pk))
    assert early[CriterionKind.OWN_PLAN].fraction == 0.0
