"""Emulation: the published rule, scores from live data, ranking, reward proposals."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation import demo, selectors, services
from emulation.models import CriterionKind, ProposalStatus, RuleSet, RuleStatus
from emulation.scoring import UnitScore, band_for, compute, rank, score_unit
from plans.demo import PEAK_CODE
from plans.models import Period
from tests.actors import SYSTEM

D = datetime.date
AFTER_CAMPAIGN = D(2024, 8, 20)


@pytest.fixture
def peak(demo):
    return Period.objects.select_related("plan").get(code=PEAK_CODE)


@pytest.fixture
def rule(peak):
    return RuleSet.objects.get(plan=peak.plan, version=1)


def test_the_demo_publishes_version_one_once(rule):
    assert rule.is_published and rule.published_on == D(2024, 6, 15)
    assert [c.kind for c in rule.criteria.all()] == [
        CriterionKind.TARGET_SHARE,
        CriterionKind.MINIMUMS_MET,
        CriterionKind.REPORT_TIMELINESS,
    ]
    demo.load(user=SYSTEM)
    assert RuleSet.objects.filter(plan=rule.plan).count() == 1


def test_scores_use_the_dashboards_figures_and_say_their_version(rule, peak):
    from progress.dashboard import build

    scores = compute(rule, peak, AFTER_CAMPAIGN)
    board = build(peak, visible_unit_ids=None, today=AFTER_CAMPAIGN)
    assert scores.rule_set.version == 1
    assert len(scores.rows) == len(board.rows) == 11
    for row, board_row in zip(scores.rows, board.rows, strict=True):
        share = row.criteria[0]
        # capped share of each root target: the dashboard's own "score"
        if share.applicable:
            assert round(100 * share.fraction, 1) == board_row.score
    ranked = sorted((r for r in scores.rows if r.rank), key=lambda r: r.rank)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r.ranked_among == len(ranked) for r in ranked)
    for r in ranked:
        assert r.band == band_for(rule, r.score)


def test_report_timeliness_counts_reports_handed_in_by_the_deadline(rule, peak):
    scores = compute(rule, peak, AFTER_CAMPAIGN)
    by_name = {r.unit.name: r for r in scores.rows}
    muong_te = by_name["LĐLĐ huyện Mường Tè"].criteria[2]
    assert muong_te.applicable and muong_te.parts
    # before any deadline is due the criterion does not apply
    early = compute(rule, peak, D(2024, 7, 10))
    assert all(not r.criteria[2].applicable for r in early.rows)


def _cell(pk, target, achieved, minimum=False, parent=None):
    indicator = SimpleNamespace(pk=pk, name=f"ct{pk}", parent_id=parent, is_minimum=minimum)
    return SimpleNamespace(indicator=indicator, target=target, achieved=achieved)


def _criteria(capped=True):
    return [
        SimpleNamespace(kind=CriterionKind.TARGET_SHARE, weight=60, capped=capped),
        SimpleNamespace(kind=CriterionKind.MINIMUMS_MET, weight=20, capped=True),
        SimpleNamespace(kind=CriterionKind.REPORT_TIMELINESS, weight=20, capped=True),
    ]


@settings(max_examples=80, deadline=None)
@given(
    targets=st.lists(st.integers(0, 200), min_size=1, max_size=5),
    achieved=st.lists(st.integers(0, 300), min_size=5, max_size=5),
    rise=st.lists(st.integers(0, 50), min_size=5, max_size=5),
    minimum=st.lists(st.booleans(), min_size=5, max_size=5),
    capped=st.booleans(),
)
def test_a_score_never_falls_when_results_rise(targets, achieved, rise, minimum, capped):
    criteria = _criteria(capped)
    before = [_cell(i, t, achieved[i], minimum[i]) for i, t in enumerate(targets)]
    after = [_cell(i, t, achieved[i] + rise[i], minimum[i]) for i, t in enumerate(targets)]
    _p, low = score_unit(None, criteria, before, [])
    _p, high = score_unit(None, criteria, after, [])
    assert (low is None) == (high is None)
    if low is not None:
        assert high >= low


def test_ties_are_broken_by_uncapped_share_then_row_number():
    def row(number, score, uncapped):
        unit = SimpleNamespace(pk=number, name=f"u{number}")
        return UnitScore(unit, number, "upper", [], score, uncapped)

    rows = [row(3, 80.0, 1.2), row(1, 80.0, 1.0), row(2, 80.0, 1.2), row(4, 90.0, 0.5)]
    rank(rows)
    assert {r.number: r.rank for r in rows} == {4: 1, 2: 2, 3: 3, 1: 4}


def test_a_new_version_leaves_scores_by_the_earlier_one_as_they_were(rule, peak):
    before = {r.unit.pk: r.score for r in compute(rule, peak, AFTER_CAMPAIGN).rows}
    draft = services.new_version(plan=peak.plan, user=SYSTEM)
    assert draft.version == 2 and draft.status == RuleStatus.DRAFT
    services.save_rule(
        rule_set=draft,
        criteria=[{"kind": CriterionKind.TARGET_SHARE, "name": "Chỉ tiêu", "weight": 100}],
        bands={"excellent_min": Decimal(95), "good_min": Decimal(80), "done_min": Decimal(60)},
        user=SYSTEM,
    )
    with pytest.raises(services.EmulationError, match="lý do"):
        services.publish_rule(rule_set=draft, published_on=D(2024, 9, 1), user=SYSTEM)
    services.publish_rule(
        rule_set=draft, published_on=D(2024, 9, 1), reason="Bỏ tiêu chí báo cáo", user=SYSTEM
    )
    assert selectors.published_rule(peak.plan).version == 2
    old = selectors.published_rule(peak.plan, 1)
    again = {r.unit.pk: r.score for r in compute(old, peak, AFTER_CAMPAIGN).rows}
    assert again == before
    with pytest.raises(services.EmulationError, match="đã công bố"):
        services.save_rule(
            rule_set=old,
            criteria=[{"kind": CriterionKind.TARGET_SHARE, "name": "x", "weight": 1}],
            bands={"excellent_min": 90, "good_min": 75, "done_min": 50},
            user=SYSTEM,
        )


def test_bands_must_rise(rule, peak):
    draft = services.new_version(plan=peak.plan, user=SYSTEM)
    with pytest.raises(services.EmulationError, match="tăng dần"):
        services.save_rule(
            rule_set=draft,
            criteria=[{"kind": CriterionKind.TARGET_SHARE, "name": "x", "weight": 1}],
            bands={"excellent_min": 50, "good_min": 75, "done_min": 40},
            user=SYSTEM,
        )


def _propose(peak, unit, user, **extra):
    data = dict(recipient_kind="collective", form="bang_khen", level="province")
    data.update(extra)
    return services.propose_reward(
        plan=peak.plan, period=peak, unit=unit, achievements="Vượt chỉ tiêu", user=user, **data
    )


def test_a_proposal_goes_proposed_reviewed_approved_with_history(peak, unit_a, officer_a):
    proposal = _propose(peak, unit_a, officer_a)
    assert proposal.status == ProposalStatus.PROPOSED and proposal.proposed_by == officer_a
    with pytest.raises(PermissionDenied):
        services.review_proposal(proposal=proposal, user=officer_a)
    with pytest.raises(services.EmulationError, match="thẩm định"):
        services.approve_proposal(
            proposal=proposal, decision_number="1/QĐ", decision_date=D(2024, 9, 2), user=SYSTEM
        )
    services.review_proposal(proposal=proposal, user=SYSTEM)
    done = services.approve_proposal(
        proposal=proposal, decision_number="12/QĐ-LĐLĐ", decision_date=D(2024, 9, 2), user=SYSTEM
    )
    assert done.status == ProposalStatus.APPROVED and done.decision_number == "12/QĐ-LĐLĐ"
    assert [h.status for h in done.history.order_by("history_id")] == [
        "proposed",
        "reviewed",
        "approved",
    ]


def test_a_declined_proposal_needs_a_reason(peak, unit_a, officer_a):
    proposal = _propose(peak, unit_a, officer_a, recipient_kind="individual", person_name="Lò A")
    with pytest.raises(services.EmulationError, match="lý do"):
        services.decline_proposal(proposal=proposal, reason=" ", user=SYSTEM)
    done = services.decline_proposal(proposal=proposal, reason="Chưa đủ tiêu chuẩn", user=SYSTEM)
    assert done.status == ProposalStatus.DECLINED


def test_a_proposal_is_checked(peak, unit_a, unit_b, officer_a):
    with pytest.raises(PermissionDenied):
        _propose(peak, unit_b, officer_a)
    with pytest.raises(services.EmulationError, match="họ và tên"):
        _propose(peak, unit_a, officer_a, recipient_kind="individual")
    with pytest.raises(services.EmulationError, match="Giấy khen"):
        _propose(peak, unit_a, officer_a, form="giay_khen", level="national")


def test_achievements_are_drafted_from_the_figures(rule, peak, unit_a):
    text = selectors.achievements_text(compute(rule, peak, AFTER_CAMPAIGN), unit_a)
    assert text.startswith("Kết quả Tháng cao điểm") or "Mường Tè" in text
    assert "Điểm thi đua" in text and "phiên bản 1" in text


# pages ------------------------------------------------------------------------------------------


def test_the_province_sees_every_unit_ranked(client_for, admin_user, peak):
    page = client_for(admin_user).get(f"/emulation/plan/{peak.plan.pk}/{peak.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data-unit=") == 11
    assert "phiên bản 1" in html


def test_a_unit_officer_sees_its_own_row_and_breakdown(client_for, officer_a, unit_a, peak):
    client = client_for(officer_a)
    page = client.get(f"/emulation/plan/{peak.plan.pk}/{peak.code}/")
    assert page.content.decode().count("data-unit=") == 1
    detail = client.get(f"/emulation/plan/{peak.plan.pk}/{peak.code}/unit/{unit_a.pk}/")
    html = detail.content.decode()
    assert detail.status_code == 200 and "/11" in html and 'id="band"' in html


def test_the_province_edits_a_draft_and_publishes_it(client_for, admin_user, peak):
    client = client_for(admin_user)
    response = client.post(f"/emulation/plan/{peak.plan.pk}/rules/")
    draft = RuleSet.objects.get(plan=peak.plan, version=2)
    assert response.url == f"/emulation/rules/{draft.pk}/edit/"
    data = {
        "name_0": "Hoàn thành chỉ tiêu",
        "kind_0": "target_share",
        "weight_0": "70",
        "name_1": "Trở lên",
        "kind_1": "minimums_met",
        "weight_1": "30",
        "capped_1": "on",
        "name_2": "Báo cáo",
        "kind_2": "report_timeliness",
        "weight_2": "10",
        "delete_2": "on",
        "excellent_min": "90",
        "good_min": "75,5",
        "done_min": "50",
    }
    client.post(f"/emulation/rules/{draft.pk}/edit/", data)
    draft.refresh_from_db()
    assert [(c.name, c.weight, c.capped) for c in draft.criteria.all()] == [
        ("Hoàn thành chỉ tiêu", 70, False),
        ("Trở lên", 30, True),
    ]
    assert draft.good_min == Decimal("75.5")
    client.post(
        f"/emulation/rules/{draft.pk}/publish/",
        {"published_on": "01/09/2024", "reason": "Điều chỉnh trọng số"},
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.published_on == D(2024, 9, 1)


def test_an_officer_proposes_from_its_score_page(client_for, officer_a, unit_a, peak):
    client = client_for(officer_a)
    url = f"/emulation/proposals/new/?plan={peak.plan.pk}&period={peak.code}&unit={unit_a.pk}"
    form = client.get(url)
    assert form.status_code == 200 and "Điểm thi đua" in form.content.decode()
    response = client.post(
        url,
        {
            "unit": unit_a.pk,
            "period": peak.pk,
            "recipient_kind": "individual",
            "person_name": "Lò Thị Hoa",
            "person_position": "Chủ tịch",
            "form": "giay_khen",
            "level": "province",
            "achievements": "Vượt chỉ tiêu",
        },
    )
    assert response.status_code == 302
    listing = client.get("/emulation/proposals/").content.decode()
    assert "Lò Thị Hoa" in listing
