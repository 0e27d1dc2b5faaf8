import re

from django.utils.html import escape

from plans.demo import PEAK_CODE, PLAN_NUMBER
from plans.models import Plan, Target


def _plan():
    return Plan.objects.get(number=PLAN_NUMBER)


def test_anonymous_users_are_sent_to_sign_in(client, demo):
    response = client.get(f"/plans/{_plan().pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_plan_page_shows_the_peak_table_in_vietnamese(client_for, admin_user):
    response = client_for(admin_user).get(f"/plans/{_plan().pk}/{PEAK_CODE}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Biểu giao chỉ tiêu" in html
    assert "LĐLĐ huyện Mường Tè" in html
    assert "Tổng thực tăng (người)" in html
    assert ">475<" in html


def test_year_table_says_not_assigned(client_for, viewer_user):
    html = client_for(viewer_user).get(f"/plans/{_plan().pk}/nam-2024/").content.decode()
    assert "chưa giao" in html
    assert "1.100" in html


def test_unit_officer_sees_only_its_own_row(client_for, officer_a):
    html = client_for(officer_a).get(f"/plans/{_plan().pk}/{PEAK_CODE}/").content.decode()
    assert "LĐLĐ huyện Mường Tè" in html
    assert "LĐLĐ huyện Tam Đường" not in html


def test_only_province_admin_may_edit(client_for, viewer_user, officer_a, demo):
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/edit/"
    assert client_for(viewer_user).get(url).status_code == 403
    assert client_for(officer_a).get(url).status_code == 403


def test_admin_corrects_a_target(client_for, admin_user, unit_a):
    client = client_for(admin_user)
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/edit/"
    page = client.get(url)
    form = _form_values(page.content.decode())
    party = Target.objects.get(
        period__code=PEAK_CODE, unit=unit_a, indicator__code="gioi-thieu-dang"
    )
    form[f"t-{unit_a.pk}-{party.indicator_id}"] = "35"
    response = client.post(url, form)
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.value == 35
    assert party.updated_by == admin_user


def test_bad_cells_are_reported_by_unit_and_column_and_nothing_is_saved(
    client_for, admin_user, unit_a
):
    client = client_for(admin_user)
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/edit/"
    form = _form_values(client.get(url).content.decode())
    party = Target.objects.get(
        period__code=PEAK_CODE, unit=unit_a, indicator__code="gioi-thieu-dang"
    )
    total = Target.objects.get(period__code=PEAK_CODE, unit=unit_a, indicator__code="dv-thuc-tang")
    form[f"t-{unit_a.pk}-{party.indicator_id}"] = "31"
    form[f"t-{unit_a.pk}-{total.indicator_id}"] = "mười"
    html = client.post(url, form).content.decode()
    assert "LĐLĐ huyện Mường Tè, cột “Tổng thực tăng (người)”" in html
    party.refresh_from_db()
    assert party.value == 30


def test_a_part_above_its_total_is_refused_with_the_cell_marked(client_for, admin_user, unit_a):
    """The web editor refuses what the Excel import refuses: nothing saved, the message at the
    top, the bad cell marked (class, aria-invalid, title)."""
    client = client_for(admin_user)
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/edit/"
    form = _form_values(client.get(url).content.decode())
    total = Target.objects.get(period__code=PEAK_CODE, unit=unit_a, indicator__code="dv-thuc-tang")
    part = Target.objects.get(
        period__code=PEAK_CODE, unit=unit_a, indicator__code="dv-hcsn-dn-duoi-25"
    )
    party = Target.objects.get(
        period__code=PEAK_CODE, unit=unit_a, indicator__code="gioi-thieu-dang"
    )
    before = (total.value, part.value, party.value)
    form[f"t-{unit_a.pk}-{part.indicator_id}"] = "200"
    form[f"t-{unit_a.pk}-{total.indicator_id}"] = "129"
    form[f"t-{unit_a.pk}-{party.indicator_id}"] = "31"  # a good change: not saved either
    response = client.post(url, form, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == []
    assert "Đã lưu" not in html
    message = (
        "LĐLĐ huyện Mường Tè, cột “HCSN, SNCL, DN dưới 25 LĐ (người)”: 200 vượt quá "
        "“Tổng thực tăng (người)” (129); phần “Trong đó” không được lớn hơn tổng."
    )
    top = html.index('id="form-errors"')
    assert top < html.index("<table")
    assert "Chưa lưu" in html[top : html.index("<table")]
    assert message in html[top : html.index("<table")]
    cell = re.search(
        rf'<input class="cell bad"[^>]*name="t-{unit_a.pk}-{part.indicator_id}"[^>]*>', html
    )
    assert cell, "the bad cell is not marked"
    assert 'aria-invalid="true"' in cell.group(0)
    assert f'title="{escape(message)}"' in cell.group(0)
    assert f'name="t-{unit_a.pk}-{party.indicator_id}" value="31"' in html  # typed value kept
    good = re.search(rf'<input [^>]*name="t-{unit_a.pk}-{party.indicator_id}"[^>]*>', html)
    assert "aria-invalid" not in good.group(0)
    for target in (total, part, party):
        target.refresh_from_db()
    assert (total.value, part.value, party.value) == before


def test_lowering_a_total_under_its_stored_part_is_refused(client_for, admin_user, unit_a):
    client = client_for(admin_user)
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/edit/"
    form = _form_values(client.get(url).content.decode())
    total = Target.objects.get(period__code=PEAK_CODE, unit=unit_a, indicator__code="dv-thuc-tang")
    before = total.value
    form[f"t-{unit_a.pk}-{total.indicator_id}"] = "1"
    html = client.post(url, form).content.decode()
    assert "vượt quá “Tổng thực tăng (người)” (1)" in html
    total.refresh_from_db()
    assert total.value == before


def _form_values(html):
    values = {}
    for name, value in re.findall(r'name="([tv]-\d+-\d+)" value="([^"]*)"', html):
        values[name] = value
    return values
