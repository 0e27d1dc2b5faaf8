"""HTML is sent gzip-compressed; static files are still WhiteNoise's (issue 12 item 6)."""

import gzip
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from plans.models import Period

WIRE_LIMIT = 50 * 1024


def _get(client, url, **headers):
    return client.get(url, headers={"accept-encoding": "gzip, deflate, br", **headers})


def _html(response):
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    return gzip.decompress(response.content).decode()


def test_a_signed_in_dashboard_comes_back_gzip_encoded(demo, client_for, admin_user):
    period = Period.objects.get(code="thang-cao-diem-2024")
    url = reverse("progress:dashboard", args=[period.plan_id, period.code])
    client = client_for(admin_user)
    response = _get(client, url)
    assert response.status_code == 200
    html = _html(response)
    assert "Toàn tỉnh" in html and 'id="cumulative-chart"' in html
    # The CSRF token in the page is masked afresh on every request.
    again = _html(_get(client, url))
    token = 'name="csrfmiddlewaretoken" value="'
    assert token in html
    assert html.split(token)[1][:64] != again.split(token)[1][:64]
    # Without Accept-Encoding the page is plain.
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    assert plain.content.decode().count("Toàn tỉnh") == html.count("Toàn tỉnh")


def test_the_heaviest_demo_pages_are_under_50_kb_on_the_wire(demo, client_for, admin_user):
    client = client_for(admin_user)
    province = admin_user.unit
    urls = [reverse("progress:members"), reverse("accounts:audit_log")]
    for period in Period.objects.filter(plan__issuing_unit=province):
        urls.append(reverse("progress:dashboard", args=[period.plan_id, period.code]))
        first = period.plan.indicators.order_by("sort_order").first()
        urls.append(
            reverse("progress:records", args=[period.plan_id, period.code, province.pk, first.pk])
        )
    for url in urls:
        response = _get(client, url)
        assert response.status_code == 200, url
        html = _html(response)
        assert len(html.encode()) > len(response.content), url
        assert len(response.content) < WIRE_LIMIT, (url, len(response.content))


@pytest.mark.parametrize("name", ["css/app.css", "js/app.js"])
def test_static_files_are_served_by_whitenoise_not_recompressed(settings, client, name):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = _get(client, settings.STATIC_URL.rstrip("/") + "/" + name)
    assert response.status_code == 200
    # WhiteNoise answered before GZipMiddleware: the file as it is, with its length (WhiteNoise
    # sends its own pre-compressed .gz/.br when collectstatic made them).
    assert not response.has_header("Content-Encoding")
    size = (Path(settings.BASE_DIR) / "static" / name).stat().st_size
    assert int(response["Content-Length"]) == size


def test_gzip_sits_just_below_whitenoise():
    middleware = django_settings.MIDDLEWARE
    gzip_at = middleware.index("django.middleware.gzip.GZipMiddleware")
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == gzip_at - 1
