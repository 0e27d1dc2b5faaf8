"""The founding pipeline: charter conditions, order of steps, and the figures it feeds."""

import datetime

import pytest

from enterprises import services
from enterprises.models import Enterprise, FoundingCase, Stage
from organisation.models import Sector, UnitKind, UnitPath
from plans.models import Indicator, Period
from progress.models import Member, Record, RecordKind
from progress.selectors import achieved
from tests.enterprises.conftest import founders

pytestmark = pytest.mark.django_db
D = datetime.date


COMMITTEE_ON = D(2024, 7, 3)
CONFERENCE_ON = D(2024, 7, 10)


def _advance_to_conference(case, user, committee_on=COMMITTEE_ON, conference_on=CONFERENCE_ON):
    services.record_committee(
        case=case,
        formed_on=committee_on,
        members=[{"full_name": n} for n in ("Lò Văn A", "Lò Thị B", "Pờ Văn C")],
        user=user,
    )
    services.record_conference(
        case=case, kind="congress", held_on=conference_on, applications=12, user=user
    )
    case.refresh_from_db()
    return case


def test_committee_needs_three_workers_and_names_the_rule(sam_pu, officer_a):
    case = sam_pu.founding
    with pytest.raises(services.EnterpriseError) as exc:
        services.record_committee(
            case=case,
            formed_on=D(2024, 7, 3),
            members=[{"full_name": "A"}, {"full_name": "B"}, {"full_name": " "}],
            user=officer_a,
        )
    message = exc.value.messages[0]
    assert "ít nhất 3" in message
    assert "Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam" in message
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFIED


def test_conference_needs_five_applications(sam_pu, officer_a):
    case = sam_pu.founding
    services.record_committee(
        case=case,
        formed_on=D(2024, 7, 3),
        members=[{"full_name": n} for n in "ABC"],
        user=officer_a,
    )
    with pytest.raises(services.EnterpriseError, match="ít nhất 5"):
        services.record_conference(
            case=case, kind="launch", held_on=D(2024, 7, 5), applications=4, user=officer_a
        )


def test_steps_in_order_and_dates_not_backwards(sam_pu, officer_a, pdf_upload):
    case = sam_pu.founding
    with pytest.raises(services.EnterpriseError, match="bước"):
        services.record_conference(
            case=case, kind="launch", held_on=D(2024, 7, 5), applications=9, user=officer_a
        )
    with pytest.raises(services.EnterpriseError, match="trước"):
        services.record_committee(
            case=case,
            formed_on=D(2024, 1, 1),  # before the enterprise was identified (31/05/2024)
            members=[{"full_name": n} for n in "ABC"],
            user=officer_a,
        )
    case = _advance_to_conference(case, officer_a)
    with pytest.raises(services.EnterpriseError, match="trước"):
        services.record_decision(
            case=case,
            number="1/QĐ",
            decided_on=D(2024, 7, 9),
            signer="X",
            founding_members=founders(),
            user=officer_a,
        )


def test_decision_needs_five_founding_members(sam_pu, officer_a):
    case = _advance_to_conference(sam_pu.founding, officer_a)
    with pytest.raises(services.EnterpriseError, match="ít nhất 5"):
        services.record_decision(
            case=case,
            number="1/QĐ",
            decided_on=D(2024, 7, 15),
            signer="X",
            founding_members=founders(4),
            user=officer_a,
        )
    assert not Record.objects.filter(note=f"enterprise:{sam_pu.pk}").exists()


def _new_union_figures(period, unit_ids):
    codes = ["cdcs-moi", "cdcs-dn-tu-25", "cdcs-dn-duoi-25", "cdcs-phi-chinh-thuc", "dv-thuc-tang"]
    indicators = {i.code: i for i in Indicator.objects.filter(plan=period.plan, code__in=codes)}
    figures = achieved(period, unit_ids, indicators=list(indicators.values()))
    return {
        (uid, code): figures[(uid, ind.pk)] for uid in unit_ids for code, ind in indicators.items()
    }


def test_decision_founds_the_union_and_the_figures_count_it_once(
    sam_pu, officer_a, unit_a, province, pdf_upload
):
    period = Period.objects.get(code="thang-cao-diem-2024")
    ids = [unit_a.pk, province.pk]
    before = _new_union_figures(period, ids)
    case = _advance_to_conference(sam_pu.founding, officer_a)
    union = services.record_decision(
        case=case,
        number="15/QĐ-LĐLĐ",
        decided_on=D(2024, 7, 15),
        signer="Nguyễn Văn Chủ tịch",
        founding_members=founders(6),
        decision_file=pdf_upload,
        user=officer_a,
    )
    sam_pu.refresh_from_db()
    case.refresh_from_db()
    assert sam_pu.grassroots_union == union
    assert union.kind == UnitKind.GRASSROOTS
    assert union.sector == Sector.ENTERPRISE_LARGE  # 60 workers ≥ 25
    assert UnitPath.objects.filter(ancestor=unit_a, descendant=union, depth=1).exists()
    assert case.stage == Stage.DECISION
    assert (case.workers_at_founding, case.founding_member_count) == (60, 6)
    assert case.decision_file.name.endswith(".pdf")
    assert Member.objects.filter(union=union).count() == 6
    after = _new_union_figures(period, ids)
    for uid in ids:
        assert after[(uid, "cdcs-moi")] == before[(uid, "cdcs-moi")] + 1
        assert after[(uid, "cdcs-dn-tu-25")] == before[(uid, "cdcs-dn-tu-25")] + 1
        assert after[(uid, "cdcs-dn-duoi-25")] == before[(uid, "cdcs-dn-duoi-25")]
        assert after[(uid, "dv-thuc-tang")] == before[(uid, "dv-thuc-tang")] + 6
    assert Record.objects.filter(union=union, kind=RecordKind.UNION_FOUNDED).count() == 1
    services.record_ceremony(case=case, held_on=D(2024, 7, 28), user=officer_a)
    case.refresh_from_db()
    assert case.stage == Stage.CEREMONY
    assert case.history.count() >= 5


def test_small_enterprise_by_workforce_at_founding(sam_pu, officer_a):
    # A survey before the decision says 20 workers: the union counts as DN <25.
    services.record_workforce(
        enterprise=sam_pu, workers=20, surveyed_on=D(2024, 7, 1), user=officer_a
    )
    case = _advance_to_conference(sam_pu.founding, officer_a)
    union = services.record_decision(
        case=case,
        number="16/QĐ",
        decided_on=D(2024, 7, 15),
        signer="X",
        founding_members=founders(5),
        user=officer_a,
    )
    assert union.sector == Sector.ENTERPRISE_SMALL


def test_informal_group_founds_a_nghiep_doan(unit_a, officer_a):
    group = services.create_informal_group(
        trade="Xe ôm", place="Bến xe Mường Tè", workers=12, unit=unit_a, user=officer_a
    )
    case = group.founding
    FoundingCase.objects.filter(pk=case.pk).update(identified_on=D(2024, 7, 1))
    case = _advance_to_conference(case, officer_a)
    union = services.record_decision(
        case=case,
        number="17/QĐ",
        decided_on=D(2024, 7, 20),
        signer="X",
        founding_members=founders(5, start=10),
        user=officer_a,
    )
    assert union.kind == UnitKind.INFORMAL
    assert union.sector == Sector.INFORMAL
    assert union.name == "Nghiệp đoàn Xe ôm Bến xe Mường Tè"
    group.refresh_from_db()
    assert group.grassroots_union == union


def test_bad_decision_file_refused(sam_pu, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = _advance_to_conference(sam_pu.founding, officer_a)
    fake = SimpleUploadedFile("qd.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(Exception, match="không phải tệp PDF"):
        services.record_decision(
            case=case,
            number="1/QĐ",
            decided_on=D(2024, 7, 15),
            signer="X",
            founding_members=founders(),
            decision_file=fake,
            user=officer_a,
        )
    exe = SimpleUploadedFile("qd.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(Exception, match="PDF, JPG hoặc PNG"):
        services.record_decision(
            case=case,
            number="1/QĐ",
            decided_on=D(2024, 7, 15),
            signer="X",
            founding_members=founders(),
            decision_file=exe,
            user=officer_a,
        )
    assert Enterprise.objects.get(pk=sam_pu.pk).grassroots_union is None
