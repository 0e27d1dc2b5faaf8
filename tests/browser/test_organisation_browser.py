"""A province administrator opens the structure tree, expands a district and opens a union."""

import datetime

import pytest

from tests.actors import SYSTEM
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


@pytest.mark.browser
def test_admin_opens_the_tree_and_a_unit(page, transactional_db):
    from accounts.models import Role
    from accounts.services import create_user
    from organisation import demo as organisation_demo
    from organisation.models import Unit, UnitKind
    from organisation.services import create_unit

    organisation_demo.load(user=SYSTEM)
    district = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    create_unit(
        name="CĐCS Công ty Thủy điện Nậm Na",
        kind=UnitKind.GRASSROOTS,
        parent=district,
        sector="dn_large",
        valid_from=datetime.date(2019, 5, 1),
        user=SYSTEM,
    )
    create_user(
        username="b.admin",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=organisation_demo.province(),
        validate=False,
    )
    sign_in(page, "b.admin", PASSWORD)
    page.goto(f"{page.base_url}/")
    page.get_by_role("link", name="Cơ cấu tổ chức", exact=True).click()
    page.fill("#id_on", "15/07/2024")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/units/?on=15%2F07%2F2024")
    node = page.locator("details.org-node", has_text="LĐLĐ huyện Mường Tè")
    union_link = node.get_by_role("link", name="CĐCS Công ty Thủy điện Nậm Na")
    assert not union_link.is_visible()  # collapsed until opened
    node.locator("summary .org-count").click()
    union_link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("CĐCS Công ty Thủy điện Nậm Na")
    history = page.locator("#parent-history").inner_text()
    assert "LĐLĐ huyện Mường Tè" in history and "01/05/2019" in history
    assert "Doanh nghiệp từ 25 lao động trở lên" in page.locator("#sector-history").inner_text()
