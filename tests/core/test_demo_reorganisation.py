"""The demo's illustrative 1/7/2025 reorganisation leaves every 2024 page, report and export
exactly as it was, and shows today's tree on today's date."""

import datetime
import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from accounts import audit
from accounts.demo import load_after_reorganisation
from organisation import demo_reorganisation
from organisation.models import Unit, UnitKind
from organisation.selectors import children
from plans.models import Plan
from reports.models import ReportingDeadline
from tests.actors import SYSTEM

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"csrfToken": "[^"]+"')


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return CSRF.sub("", response.content.decode())


def _sheet_values(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}


def _docx_text(content: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def _snapshot(client, unit, province_level):
    plan = Plan.objects.get(year=2024)
    seen = {}
    for period in plan.periods.all():
        url = reverse("progress:dashboard", args=[plan.pk, period.code])
        seen[url] = _page(client, url)
        export = reverse("progress:export", args=[plan.pk, period.code])
        seen[export] = _sheet_values(client.get(export).content)
    for deadline in ReportingDeadline.objects.filter(plan=plan):
        if province_level:
            seen[f"consolidation {deadline.pk}"] = _page(
                client, reverse("reports:consolidation", args=[deadline.pk])
            )
        args = [deadline.pk, unit.pk]
        seen[f"report {deadline.pk}"] = _page(client, reverse("reports:detail", args=args))
        xlsx = client.get(reverse("reports:export", args=[*args, "xlsx"])).content
        seen[f"report xlsx {deadline.pk}"] = _sheet_values(xlsx)
        docx = client.get(reverse("reports:export", args=[*args, "docx"])).content
        seen[f"report docx {deadline.pk}"] = _docx_text(docx)
    seen["tree 2024"] = _page(client, reverse("organisation:tree"), on="31/12/2024")
    seen["tree 2024"] = seen["tree 2024"].split('id="changes"')[0]  # the change-date links grow
    return seen


def test_2024_is_identical_after_the_2025_reorganisation(
    demo, client_for, admin_user, officer_a, unit_a
):
    def snapshots():
        return {
            "admin": _snapshot(client_for(admin_user), unit_a, True),
            "officer": _snapshot(client_for(officer_a), unit_a, False),
        }

    before = snapshots()
    assert len(before["admin"]) >= 12 and len(before["officer"]) >= 9, before["admin"].keys()
    with audit.acting_as(SYSTEM):
        demo_reorganisation.load(user=SYSTEM)
        load_after_reorganisation(user=SYSTEM)
    after = snapshots()
    for username, pages in before.items():
        for key, value in pages.items():
            assert after[username][key] == value, f"{username}: {key} changed"

    # Today's tree: the district federations ended, commune unions hold their CĐCS.
    today = datetime.date(2026, 12, 1)
    province = Unit.objects.get(kind=UnitKind.PROVINCE)
    now = {u.name: u for u in children(province, today)}
    assert not [n for n in now if n.startswith("LĐLĐ huyện")]
    commune = now["Công đoàn xã Mường Tè (minh họa)"]
    assert commune.is_simulated and children(commune, today).exists()
    html = _page(client_for(admin_user), reverse("organisation:tree"), on="01/07/2025")
    assert "(minh họa)" in html and "LĐLĐ huyện Mường Tè → Công đoàn xã Mường Tè" in html
