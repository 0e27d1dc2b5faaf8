"""400 for bad query values, never a 500: every page a signed-in user reads (from the permission
matrix, so a new page is covered as soon as it has its entry), under hypothesis-generated query
strings, and the values of issue 17 (abc, 1.5, ², %00) on every page and parameter."""

import pytest
from django.core.exceptions import BadRequest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.query import parse_query_int
from tests.accounts.matrix_objects import UnitAObjects
from tests.accounts.test_permission_matrix import ADMIN, all_patterns, build_path, entry_for

# Every query parameter a page of the project reads (grep request.GET), and a few it doesn't.
PARAMS = [
    "union", "q", "page", "under", "chart_unit", "indicator", "unit", "status", "plan",
    "parent", "on", "source", "model", "user", "date_from", "date_to", "next", "role", "active",
]  # fmt: skip
BAD = ["abc", "1.5", "²", "\x00", "-1", "99999999999999999999999", "1e9", " ", "٣"]
VALUES = st.one_of(
    st.sampled_from(BAD),
    st.text(max_size=12),
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
)


def _pages(objects):
    """(key, path) of every page the province administrator may GET (no Django admin)."""
    pages = []
    for key, route in sorted(all_patterns().items()):
        url = entry_for(key)
        if url is None or key.startswith("admin") or "logout" in key or ADMIN not in url.get:
            continue
        path = build_path(key, route, url, objects)
        if path:
            pages.append((key, path))
    return pages


def _get(client, path, query):
    with transaction.atomic():
        response = client.get(path, query)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def pages(demo, admin_user, unit_a, unit_b):
    objects = UnitAObjects(unit_a, unit_b, admin_user)
    objects.member_a  # noqa: B018 - rows on the member and audit pages
    objects.batch_record_a  # noqa: B018
    return _pages(objects)


def test_the_helper():
    assert parse_query_int(None) is None and parse_query_int(" ") is None
    assert parse_query_int("42") == 42 and parse_query_int("1.234") == 1234
    for bad in ["abc", "1.5", "²", "\x00", "-1", "1e9", "٣", "1" * 19, "1.23"]:
        with pytest.raises(BadRequest):
            parse_query_int(bad)


def test_issue_values_on_the_member_list_are_a_400(admin_user, client_for, demo):
    client = client_for(admin_user)
    for bad in ["abc", "1.5", "²", "\x00"]:
        assert client.get("/progress/members/", {"union": bad}).status_code == 400


def test_every_bad_value_on_every_page_and_parameter(pages, admin_user, client_for):
    assert len(pages) > 40  # the whole site, not a handful
    client = client_for(admin_user)
    failures = []
    for index, (key, path) in enumerate(pages):
        for offset, param in enumerate(PARAMS):
            value = BAD[(index + offset) % len(BAD)]
            status = _get(client, path, {param: value}).status_code
            if status >= 500:
                failures.append((key, param, value, status))
    assert failures == []


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_every_page_query_string(pages, admin_user, officer_a, client_for, data):
    key, path = data.draw(st.sampled_from(pages), label="page")
    query = data.draw(st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4), label="q")
    user = data.draw(st.sampled_from([admin_user, officer_a]), label="user")
    response = _get(client_for(user), path, query)
    assert response.status_code < 500, (key, query, user.username)
