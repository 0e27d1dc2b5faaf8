from plans.demo import PEAK_CODE, PLAN_NUMBER, YEAR_CODE
from plans.models import Plan
from plans.table import allocation_table
from plans.validation import ERROR, validate_period


def _table(code):
    plan = Plan.objects.get(number=PLAN_NUMBER)
    return allocation_table(plan.periods.get(code=code))


def test_peak_month_table_shows_the_source_figures(demo):
    table = _table(PEAK_CODE)
    headers = [ind.code for ind in table.layout.columns]
    assert headers[0] == "dv-thuc-tang"
    assert [row.unit.name for row in table.rows][:2] == [
        "LĐLĐ thành phố Lai Châu",
        "LĐLĐ huyện Tam Đường",
    ]
    totals = dict(zip(headers, table.totals, strict=True))
    assert totals == {
        "dv-thuc-tang": 475,
        "dv-hcsn-dn-duoi-25": 77,
        "dv-dn-tu-25": 348,
        "dv-phi-chinh-thuc": 50,
        "cdcs-moi": 13,
        "cdcs-phi-chinh-thuc": 2,
        "cdcs-dn-duoi-25": 3,
        "cdcs-dn-tu-25": 8,
        "gioi-thieu-dang": 275,
    }
    muong_te = next(r for r in table.rows if r.unit.name == "LĐLĐ huyện Mường Tè")
    assert muong_te.values[:3] == [129, 0, 129]


def test_peak_month_as_read_has_no_errors(demo):
    plan = Plan.objects.get(number=PLAN_NUMBER)
    findings = validate_period(plan.periods.get(code=PEAK_CODE))
    assert [f for f in findings if f.severity == ERROR] == []


def test_year_targets_per_unit_are_not_assigned_but_province_totals_are(demo):
    table = _table(YEAR_CODE)
    assert all(value is None for row in table.rows for value in row.values)
    province = dict(
        zip([i.code for i in table.layout.columns], table.province_targets, strict=True)
    )
    assert province["dv-thuc-tang"] == 1100
    assert province["dv-phi-chinh-thuc"] == 100
    assert province["cdcs-moi"] == 16
    assert province["cdcs-phi-chinh-thuc"] == 4
    assert province["gioi-thieu-dang"] == 780


def test_load_demo_is_idempotent(demo):
    from core.demo import load_demo
    from plans.models import Target

    before = Target.objects.count()
    load_demo(reorganise=False)
    assert Target.objects.count() == before
