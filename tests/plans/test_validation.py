import pytest

from plans.demo import PEAK_CODE, PLAN_NUMBER
from plans.models import Indicator, Plan, Relation
from plans.services import StaleEdit, TargetError, set_target
from plans.validation import ERROR, WARNING, validate_period
from tests.actors import SYSTEM


@pytest.fixture
def peak(demo):
    return Plan.objects.get(number=PLAN_NUMBER).periods.get(code=PEAK_CODE)


def _ind(code):
    return Indicator.objects.get(plan__number=PLAN_NUMBER, code=code)


def test_a_split_that_does_not_add_up_is_an_error(peak, unit_a):
    set_target(period=peak, unit=unit_a, indicator=_ind("dv-dn-tu-25"), value=100, user=SYSTEM)
    messages = [f.message for f in validate_period(peak) if f.severity == ERROR]
    assert any("LĐLĐ huyện Mường Tè" in m and "Tổng thực tăng" in m for m in messages)


def test_a_subset_above_its_parent_is_an_error(peak, unit_a):
    child = _ind("cdcs-phi-chinh-thuc")
    child.relation = Relation.SUBSET
    child.save()
    set_target(period=peak, unit=unit_a, indicator=child, value=9, user=SYSTEM)
    messages = [f.message for f in validate_period(peak) if f.severity == ERROR]
    assert any("vượt quá" in m for m in messages)


def test_allocations_below_the_province_target_are_an_error(peak, unit_a):
    set_target(period=peak, unit=unit_a, indicator=_ind("gioi-thieu-dang"), value=0, user=SYSTEM)
    messages = [f.message for f in validate_period(peak) if f.severity == ERROR]
    assert any("thấp hơn chỉ tiêu toàn tỉnh 275" in m for m in messages)


def test_allocations_above_the_province_target_are_a_warning(peak, unit_a):
    set_target(period=peak, unit=unit_a, indicator=_ind("gioi-thieu-dang"), value=31, user=SYSTEM)
    findings = validate_period(peak)
    assert any(f.severity == WARNING and "cao hơn" in f.message for f in findings)


def test_a_minimum_indicator_may_be_over_allocated(peak, unit_a):
    # "02 nghiệp đoàn cơ sở ... trở lên": giving more is fine.
    set_target(
        period=peak, unit=unit_a, indicator=_ind("cdcs-phi-chinh-thuc"), value=1, user=SYSTEM
    )
    set_target(period=peak, unit=unit_a, indicator=_ind("cdcs-dn-tu-25"), value=2, user=SYSTEM)
    findings = validate_period(peak)
    assert not any("Khu vực phi chính thức (đơn vị)" in f.message for f in findings)


def test_negative_targets_are_refused(peak, unit_a):
    with pytest.raises(TargetError):
        set_target(
            period=peak, unit=unit_a, indicator=_ind("gioi-thieu-dang"), value=-1, user=SYSTEM
        )


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(peak, unit_a):
    first = set_target(
        period=peak, unit=unit_a, indicator=_ind("gioi-thieu-dang"), value=31, user=SYSTEM
    )
    version = first.version
    set_target(
        period=peak,
        unit=unit_a,
        indicator=_ind("gioi-thieu-dang"),
        value=32,
        expected_version=version,
        user=SYSTEM,
    )
    with pytest.raises(StaleEdit):
        set_target(
            period=peak,
            unit=unit_a,
            indicator=_ind("gioi-thieu-dang"),
            value=40,
            expected_version=version,
            user=SYSTEM,
        )
    first.refresh_from_db()
    assert first.value == 32


def test_absurdly_large_targets_are_refused(peak, unit_a):
    with pytest.raises(TargetError, match="quá lớn"):
        set_target(
            period=peak, unit=unit_a, indicator=_ind("gioi-thieu-dang"), value=10**12, user=SYSTEM
        )
