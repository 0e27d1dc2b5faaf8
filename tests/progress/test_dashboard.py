"""Dashboard, records behind figures, permissions, bounded queries."""

import datetime
import re

import pytest
from django.urls import reverse

from organisation.models import Sector, Unit
from plans.models import Indicator, Period
from progress import selectors, services
from progress.models import Member

PEAK = "thang-cao-diem-2024"


@pytest.fixture
def peak(demo):
    return Period.objects.get(code=PEAK)


def _url(period, *extra):
    return reverse("progress:dashboard", args=[period.plan_id, period.code, *extra])


def test_home_redirects_to_a_period(demo, client_for, admin_user):
    response = client_for(admin_user).get(reverse("progress:dashboard_home"))
    assert response.status_code == 302
    assert "/progress/" in response["Location"]


def test_dashboard_shows_every_unit_and_is_marked_simulated(peak, client_for, admin_user):
    response = client_for(admin_user).get(_url(peak))
    html = response.content.decode()
    assert response.status_code == 200
    assert "simulated-banner" in html
    assert "LĐLĐ huyện Mường Tè" in html and "Toàn tỉnh" in html
    assert "Chậm tiến độ" in html
    assert 'id="cumulative-chart"' in html
    assert "pace-behind" in html and "pace-done" in html


def test_every_figure_equals_its_records_total(peak, client_for, admin_user):
    client = client_for(admin_user)
    figures = selectors.achieved(peak)
    indicators = list(Indicator.objects.filter(plan=peak.plan))
    province = peak.plan.issuing_unit
    for unit_id in [province.pk, Unit.objects.get(name="LĐLĐ huyện Phong Thổ").pk]:
        for indicator in indicators:
            url = reverse("progress:records", args=[peak.plan_id, peak.code, unit_id, indicator.pk])
            html = client.get(url).content.decode()
            total = re.search(r'id="records-total">(-?[\d.]+)<', html).group(1)
            assert int(total.replace(".", "")) == figures[unit_id, indicator.pk], indicator.code


def test_records_count_equals_figure_for_member_lists(peak, client_for, admin_user):
    unit = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    indicator = Indicator.objects.get(plan=peak.plan, code="gioi-thieu-dang")
    html = (
        client_for(admin_user)
        .get(reverse("progress:records", args=[peak.plan_id, peak.code, unit.pk, indicator.pk]))
        .content.decode()
    )
    count = int(re.search(r'id="records-count">(\d+)<', html).group(1))
    assert count == selectors.achieved(peak, [unit.pk])[unit.pk, indicator.pk]


def test_dashboard_queries_are_bounded(peak, client_for, admin_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin_user)
    client.get(_url(peak))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(30):
        client.get(_url(peak))
    parent = Unit.objects.get(name="LĐLĐ huyện Sìn Hồ")
    drill = _url(peak) + f"?under={parent.pk}"
    with CaptureQueriesContext(connection) as few:
        client.get(drill)
    # Thirty more grassroots unions (with records) must not mean more queries.
    for n in range(30):
        services.found_grassroots_union(
            name=f"CĐCS Thử {n}",
            parent=parent,
            founded_on=datetime.date(2024, 7, 2),
            sector=Sector.ENTERPRISE_SMALL,
            user=admin_user,
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(drill).content.decode()
    assert "CĐCS Thử 29" in html
    assert len(many) == len(few) <= 30


def test_officer_sees_only_own_subtree(peak, client_for, officer_a, unit_b):
    client = client_for(officer_a)
    html = client.get(_url(peak)).content.decode()
    assert "LĐLĐ huyện Mường Tè" in html
    assert "LĐLĐ huyện Tam Đường" not in html
    assert "Toàn tỉnh" not in html
    indicator = Indicator.objects.filter(plan=peak.plan).first()
    url = reverse("progress:records", args=[peak.plan_id, peak.code, unit_b.pk, indicator.pk])
    assert client.get(url).status_code == 403
    assert client.get(_url(peak) + f"?under={unit_b.pk}").status_code == 403


def test_drilldown_lists_grassroots_unions(peak, client_for, officer_a):
    html = client_for(officer_a).get(_url(peak) + f"?under={officer_a.unit_id}").content.decode()
    assert "CĐCS Công ty Cổ phần Thủy điện Pắc Ma" in html


def test_cccd_masked_outside_own_unit(
    peak, client_for, officer_a, officer_b, viewer_user, admin_user
):
    from organisation.selectors import subtree

    member = Member.objects.filter(union__in=subtree(officer_a.unit)).first()
    assert member is not None
    url = reverse("progress:members") + f"?q={member.full_name}"  # on the first page
    assert member.cccd in client_for(officer_a).get(url).content.decode()
    assert member.cccd in client_for(admin_user).get(url).content.decode()
    viewer_html = client_for(viewer_user).get(url).content.decode()
    assert member.cccd not in viewer_html
    assert "••••••••" + member.cccd[-4:] in viewer_html
    assert member.cccd not in client_for(officer_b).get(url).content.decode()
    assert client_for(officer_b).get(f"{url}&union={member.union_id}").status_code == 403


def test_export_download(peak, client_for, admin_user):
    response = client_for(admin_user).get(
        reverse("progress:export", args=[peak.plan_id, peak.code])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_ids_are_not_localised_in_attributes(peak):
    """USE_THOUSAND_SEPARATOR must not turn unit 2459 into "2.459" in data attributes/links."""
    from progress.dashboard import build
    from progress.svg import progress_rows_html

    board = build(peak, visible_unit_ids=None)
    row = board.rows[0]
    row.unit.pk = 2459
    row.cells[0].indicator.pk = 1234
    board.rows = [row]
    html = progress_rows_html(board)
    assert 'data-unit="2459"' in html and "?under=2459" in html
    assert 'data-indicator="1234"' in html


def test_members_now_on_the_dashboard_with_a_baseline_and_without(
    peak, client_for, admin_user, unit_a
):
    from organisation import services as org
    from organisation.selectors import children
    from tests.actors import SYSTEM

    html = client_for(admin_user).get(_url(peak)).content.decode()
    assert 'id="members-now"' in html and "Chưa có số liệu gốc về số đoàn viên" in html
    unions = [u for u in children(unit_a, peak.start) if u.is_grassroots][:2]
    for union in unions:
        org.set_baseline(unit=union, on_date=peak.start, members=1000, workers=2000, user=SYSTEM)
    html = client_for(admin_user).get(_url(peak)).content.decode()
    section = html[html.index('id="members-now"') :]
    assert "Đoàn viên hiện có" in section and "chưa có số liệu gốc" in section
    row = section[section.index("LĐLĐ huyện Mường Tè") :].split("</tr>")[0]
    assert "2.0" in row and "4.000" in row  # members ≥ 2.000 with the records since; workers
    assert "CĐCS chưa có số liệu gốc" in row


def _dashboard_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _table(html: str) -> str:
    return html[html.index('id="progress-table"') : html.index("</table>")]


def test_no_query_repeats_within_a_dashboard_request(peak, client_for, admin_user, officer_a):
    """The same SQL with the same parameters never runs twice in one request (issue 12)."""
    from collections import Counter

    year = Period.objects.get(plan=peak.plan, code="nam-2024")
    for user in (admin_user, officer_a):
        client = client_for(user)
        for period in (peak, year):
            for url in (_url(period), _url(period) + f"?under={officer_a.unit_id}"):
                client.get(url)  # warm (sessions, content types)
                repeated = {
                    sql: n for sql, n in Counter(_dashboard_queries(client, url)).items() if n > 1
                }
                assert not repeated, (user.username, url, repeated)


def test_dashboard_queries_do_not_grow_with_records(peak, admin_user, officer_a):
    """The same number of queries with 40 more records in 20 more unions, for the plan view and
    the drill-down, as a province administrator and as a unit officer."""
    from django.test import Client

    from organisation.selectors import children

    urls = [_url(peak), _url(peak) + f"?under={officer_a.unit_id}"]
    clients = {}
    for user in (admin_user, officer_a):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    before = {}
    for pk, client in clients.items():
        for url in urls:
            client.get(url)  # warm (the session's first refresh, content types)
            before[pk, url] = len(_dashboard_queries(client, url))
    unit = officer_a.unit
    for n in range(20):
        services.found_grassroots_union(
            name=f"CĐCS Đếm {n}",
            parent=unit,
            founded_on=datetime.date(2024, 7, 1),
            sector=Sector.ENTERPRISE_SMALL,
            user=admin_user,
        )
    for union in [u for u in children(unit, peak.end) if u.is_grassroots][:20]:
        for day in (3, 9):
            services.record_batch(
                kind="admitted",
                union=union,
                on_date=datetime.date(2024, 7, day),
                count=2,
                user=admin_user,
            )
    for pk, client in clients.items():
        for url in urls:
            assert len(_dashboard_queries(client, url)) == before[pk, url], (pk, url)


def test_cached_table_follows_every_record(peak, client_for, admin_user, unit_a):
    """The table's HTML is cached by what it shows: after a new record the page shows the new
    figure, and the cached table is exactly the table rendered afresh."""
    from django.core.cache import caches

    from organisation.selectors import children

    client = client_for(admin_user)
    first = _table(client.get(_url(peak)).content.decode())
    assert _table(client.get(_url(peak)).content.decode()) == first  # served from the cache
    union = next(u for u in children(unit_a, peak.start) if u.is_grassroots)
    services.record_batch(
        kind="admitted", union=union, on_date=datetime.date(2024, 7, 5), count=3, user=admin_user
    )
    cached = _table(client.get(_url(peak)).content.decode())
    assert cached != first
    caches["fragments"].clear()
    assert _table(client.get(_url(peak)).content.decode()) == cached
    figures = selectors.achieved(peak, [unit_a.pk], end=peak.end)
    row = cached[cached.index(f'data-unit="{unit_a.pk}"') :].split("</tr>")[0]
    indicator = Indicator.objects.get(plan=peak.plan, code="dv-thuc-tang")
    cell = row[row.index(f'data-indicator="{indicator.pk}"') :]
    shown = re.search(r'class="figure"[^>]*>([\d.]+)<', cell).group(1)
    assert int(shown.replace(".", "")) == figures[unit_a.pk, indicator.pk]


def _body(html: str) -> str:
    return html[html.index('<main class="content">') : html.index("</main>")]


def test_cached_body_follows_every_change(peak, client_for, admin_user, officer_a, unit_a):
    """The dashboard's body is cached by everything it is drawn from (core.fingerprint): after a
    record, a target, a renamed unit, a baseline, another language or chart choice — even
    written behind the services' back — the page shows the change, and every cached body equals
    the body rendered afresh."""
    from django.core.cache import caches
    from django.test import Client

    from organisation.selectors import children
    from organisation.services import set_baseline
    from plans.models import Target

    clients = {"admin": client_for(admin_user)}
    officer = Client()
    officer.force_login(officer_a, backend="django.contrib.auth.backends.ModelBackend")
    clients["officer"] = officer
    indicator = Indicator.objects.get(plan=peak.plan, code="dv-thuc-tang")
    urls = [_url(peak), _url(peak) + f"?indicator={indicator.pk}&chart_unit={unit_a.pk}"]

    def bodies():
        cached = {
            (who, url): _body(c.get(url).content.decode())
            for who, c in clients.items()
            for url in urls
        }
        caches["fragments"].clear()
        fresh = {
            (who, url): _body(c.get(url).content.decode())
            for who, c in clients.items()
            for url in urls
        }
        assert cached == fresh
        return cached

    seen = [bodies()]
    union = next(u for u in children(unit_a, peak.start) if u.is_grassroots)
    changes = [
        lambda: services.record_batch(
            kind="admitted", union=union, on_date=datetime.date(2024, 7, 5), count=2,
            user=admin_user,
        ),
        lambda: Target.objects.filter(period=peak, unit=unit_a, indicator=indicator).update(
            value=4321
        ),
        lambda: Unit.objects.filter(pk=unit_a.pk).update(name="LĐLĐ huyện Mường Tè Mới"),
        lambda: set_baseline(
            unit=union, on_date=datetime.date(2024, 1, 1), members=77, user=admin_user
        ),
        # What only the separately cached top and chart form show: a period's name, a header.
        lambda: Period.objects.filter(pk=peak.pk).update(name="Tháng cao điểm (đổi tên)"),
        lambda: Indicator.objects.filter(pk=indicator.pk).update(header="Thực tăng (mới)"),
    ]  # fmt: skip
    for change in changes:
        for client in clients.values():
            client.get(urls[0])  # cached before the change
        change()
        seen.append(bodies())
        for key in seen[-1]:
            assert seen[-1][key] != seen[-2][key], key
    assert "4.321" in seen[2]["admin", urls[0]] and "Mường Tè Mới" in seen[3]["officer", urls[0]]
    clients["admin"].cookies["django_language"] = "en"
    english = _body(clients["admin"].get(urls[0]).content.decode())
    assert english != seen[-1]["admin", urls[0]]
    caches["fragments"].clear()
    assert _body(clients["admin"].get(urls[0]).content.decode()) == english


def test_simulated_check_reads_the_partial_indexes(demo):
    """The banner's question probes ``unit_simulated`` and ``record_simulated`` (the few
    simulated rows), not every unit and record: the plan names both indexes. PostgreSQL's
    planner would scan a table this small anyway, so sequential scans are priced out here."""
    from django.db import connection, transaction

    from progress.views import _simulated_sql

    sql = _simulated_sql()
    params = [datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "unit_simulated" in plan and "record_simulated" in plan, plan


def test_a_long_dashboard_is_paged_with_totals_and_ranks_over_every_row(
    peak, client_for, admin_user, monkeypatch
):
    """Past ROWS_PER_PAGE units the table, members now, charts and ranking show one page at a
    time ("X–Y trong N"); the totals row and the ranks still count every unit."""
    from progress import dashboard

    full = dashboard.build(peak, visible_unit_ids=None)
    monkeypatch.setattr(dashboard, "ROWS_PER_PAGE", 4)
    client = client_for(admin_user)
    first = client.get(_url(peak)).content.decode()
    second = client.get(_url(peak) + "?page=2").content.decode()
    count = len(full.rows)
    assert count > 4
    assert f"1–4 trong {count}" in first and f"5–8 trong {count}" in second
    assert 'rel="next" href="?page=2"' in first
    for html, rows in ((first, full.rows[:4]), (second, full.rows[4:8])):
        table = html.split('id="progress-table"')[1].split("</table>")[0]
        shown = re.findall(r'<tr data-unit="(\d+)"', table)
        assert shown == [str(r.unit.pk) for r in rows]
        assert "Toàn tỉnh" in table  # the totals row on every page
    ranking = second.split('id="ranking"')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>(\d+)/(\d+)</td>", ranking) == [
        (str(r.rank), str(full.ranked_among)) for r in full.ranking[4:8]
    ]
    last = client.get(_url(peak) + "?page=999").content.decode()  # past the end: the last page
    assert f"trong {count}" in last and 'rel="next"' not in last


def test_daily_indicator_sums_weigh_in_the_database_as_in_python(peak, unit_a):
    """The chart's moves (``selectors.daily_indicator_sums``) equal ``indicator_value`` of each
    day's ``daily_sums``, the days of 0 left out: every measure counted from the record kinds,
    with and without a sector filter, for the province, a district and a CĐCS, read from the
    rollup and from the records (rollup not built)."""
    from organisation.selectors import children
    from progress.models import RollupState

    year = Period.objects.get(plan=peak.plan, code="nam-2024")
    union = next(u for u in children(unit_a, peak.start) if u.is_grassroots)
    units = [peak.plan.issuing_unit, unit_a, union]
    indicators = [
        Indicator(measure=measure, sectors=sectors)
        for measure in selectors.MEASURE_KINDS
        for sectors in ("", *Sector.values, ",".join(Sector.values[:2]))
    ]
    checked = 0
    for built in (True, False):
        if not built:
            RollupState.objects.filter(pk=1).update(built_at=None)
        for period in (peak, year):
            for unit in units:
                days = selectors.daily_sums(period.start, period.end, unit.pk)
                for indicator in indicators:
                    expected = {
                        day: value
                        for day, sums in days.items()
                        if (value := selectors.indicator_value(indicator, sums))
                    }
                    found = selectors.daily_indicator_sums(
                        indicator, period.start, period.end, unit.pk
                    )
                    assert found == expected, (built, period.code, unit.pk, indicator.measure)
                    checked += bool(expected)
    assert checked > 20  # the demo's records make most of them non-empty
