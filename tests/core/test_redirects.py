from django.test import RequestFactory

from core.redirects import redirect_next, safe_next


def _post(next_url):
    return RequestFactory().post("/progress/x/", {"next": next_url}, HTTP_HOST="testserver")


def test_a_next_on_this_site_is_followed():
    assert safe_next(_post("/progress/members/?union=3")) == "/progress/members/?union=3"
    assert redirect_next(_post("/plans/"), "/fallback/").url == "/plans/"


def test_a_next_elsewhere_is_ignored():
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""):
        assert safe_next(_post(bad)) is None
        assert redirect_next(_post(bad), "/fallback/").url == "/fallback/"
