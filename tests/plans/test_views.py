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


def _form_values(html):
    import re

    values = {}
    for name, value in re.findall(r'name="([tv]-\d+-\d+)" value="([^"]*)"', html):
        values[name] = value
    return values
