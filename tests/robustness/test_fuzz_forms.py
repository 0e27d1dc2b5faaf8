"""Hypothesis-generated bad input against the forms: never a server error, never a partial write.

Each example runs in a rolled-back transaction, so examples do not see each other's writes; what
an example wrote is counted *inside* that transaction, before the rollback hides it. Each test
checks that it really sent its examples.
"""

import string

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from plans.demo import PEAK_CODE
from plans.models import Period, Target
from tests.actors import SYSTEM

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
TRIED = {"n": 0}
# Each fuzz test sends at least this many generated inputs (hypothesis may stop a little short of
# max_examples once it has exhausted a small strategy, never this far).
MIN_TRIED = 40
NOT_GENERATED = {"test_plan_target_grid_refuses_huge_numbers"}

# Text that breaks naive code: control characters, NUL, huge numbers, SQL, markup, combining
# marks (NFD Vietnamese), right-to-left marks, very long strings.
NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "-1",
            "1.100",
            "1,5",
            "1e9",
            "99999999999999999999999",
            "NaN",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "Mu\u031bo\u031b\u0300ng Te\u0300",
            "\u202e",
            "٣",
            "x" * 5000,
        ]
    ),
)


def _post(client, url, data, observe=None):
    """POST in a transaction rolled back afterwards; ``observe(response)`` runs before the
    rollback, so it sees what the request wrote."""
    TRIED["n"] += 1
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
        if observe is not None:
            observe(response)
        transaction.set_rollback(True)
    return response


@pytest.fixture(autouse=True)
def _sends_its_examples(request):
    """A fuzz test that sends (almost) nothing proves nothing: count what each one sent."""
    TRIED["n"] = 0
    yield
    if request.node.originalname in NOT_GENERATED:
        return
    assert TRIED["n"] >= MIN_TRIED, f"only {TRIED['n']} generated inputs were sent"
    print(f"fuzz: {TRIED['n']} generated inputs")


def _get(client, url, params):
    TRIED["n"] += 1
    response = client.get(url, params)
    assert response.status_code < 500, (url, params)
    return response


@pytest.fixture
def admin_client(admin_user, client_for):
    return client_for(admin_user)


def test_login_form(client, officer_a):
    @FUZZ
    @given(username=NASTY, password=NASTY, next_url=NASTY)
    def run(username, password, next_url):
        response = _post(
            client,
            reverse("accounts:login"),
            {"username": username, "password": password, "next": next_url},
        )
        assert "_auth_user_id" not in client.session or response.status_code == 302

    run()


def test_account_create_form(admin_client, unit_a):
    count = User.objects.count()

    @FUZZ
    @given(
        username=NASTY,
        full_name=NASTY,
        email=NASTY,
        role=st.one_of(NASTY, st.sampled_from(["unit_officer", "grassroots_officer"])),
        unit=st.one_of(NASTY, st.just(str(unit_a.pk)), st.integers().map(str)),
        password=NASTY,
    )
    def run(username, full_name, email, role, unit, password):
        data = {
            "username": username,
            "full_name": full_name,
            "email": email,
            "role": role,
            "unit": unit,
            "password1": password,
            "password2": password,
        }

        def observe(response):
            created = User.objects.filter(username=username)
            if response.status_code == 302:  # accepted: exactly this one account, valid
                assert User.objects.count() == count + 1
                user = created.get()
                assert user.role in Role.values
                assert user.check_password(password)
            else:  # refused: nothing written
                assert User.objects.count() == count

        _post(admin_client, reverse("accounts:user_create"), data, observe)

    run()


def test_account_edit_and_password_forms(admin_client, officer_a):
    before = User.objects.values().get(pk=officer_a.pk)

    def unchanged_unless_accepted(response):
        if response.status_code != 302:
            assert User.objects.values().get(pk=officer_a.pk) == before

    @FUZZ
    @given(role=NASTY, unit=NASTY, email=NASTY, password=NASTY, active=NASTY)
    def run(role, unit, email, password, active):
        pk = officer_a.pk
        _post(
            admin_client,
            reverse("accounts:user_edit", args=[pk]),
            {"role": role, "unit": unit, "email": email, "full_name": email},
            unchanged_unless_accepted,
        )
        _post(
            admin_client,
            reverse("accounts:user_reset_password", args=[pk]),
            {"password1": password, "password2": password},
            unchanged_unless_accepted,
        )
        _post(admin_client, reverse("accounts:user_set_active", args=[pk]), {"active": active})

    run()


def test_audit_log_filters(admin_client):
    @FUZZ
    @given(user=NASTY, model=NASTY, date_from=NASTY, date_to=NASTY, q=NASTY, page=NASTY)
    def run(user, model, date_from, date_to, q, page):
        params = {"user": user, "model": model, "date_from": date_from, "date_to": date_to}
        _get(admin_client, reverse("accounts:audit_log"), {**params, "q": q, "page": page})
        _get(admin_client, reverse("accounts:user_list"), {"q": q, "role": model, "active": page})

    run()


# Bigger than any database integer column: a separate, known failure (see below).
HUGE = 2_147_483_647


def _in_range(text):
    digits = "".join(ch for ch in text if ch in string.digits)
    return not digits or int(digits) <= HUGE


def test_plan_target_grid(admin_client):
    period = Period.objects.select_related("plan").get(code=PEAK_CODE)
    url = reverse("plans:edit", args=[period.plan.pk, period.code])
    page = admin_client.get(url)
    cells = [c for row in page.context["rows"] for c in row["cells"]]
    valid = {}
    for cell in cells:
        valid[cell["name"]] = str(cell["value"])
        valid[cell["version_name"]] = str(cell["version"])
    before = sorted(Target.objects.filter(period=period).values_list("id", "value", "version"))
    names = [c["name"] for c in cells] + [c["version_name"] for c in cells]

    @FUZZ
    @given(
        changes=st.dictionaries(
            st.sampled_from(names), NASTY.filter(_in_range), min_size=1, max_size=6
        ),
        good=st.lists(st.sampled_from([c["name"] for c in cells]), max_size=3),
        digits=st.text(string.digits, min_size=1, max_size=4),
    )
    def run(changes, good, digits):
        data = dict(valid)
        for name in good:
            data[name] = digits  # some valid changes next to the bad ones
        data.update(changes)
        TRIED["n"] += 1
        with transaction.atomic():
            response = admin_client.post(url, data)
            after = sorted(
                Target.objects.filter(period=period).values_list("id", "value", "version")
            )
            transaction.set_rollback(True)
        assert response.status_code < 500, data
        if response.status_code != 302:
            # Refused: not one cell written, not even the valid ones.
            assert after == before

    run()


def test_plan_target_grid_refuses_huge_numbers(admin_client):
    period = Period.objects.select_related("plan").get(code=PEAK_CODE)
    url = reverse("plans:edit", args=[period.plan.pk, period.code])
    cells = [c for row in admin_client.get(url).context["rows"] for c in row["cells"]]
    data = {c["name"]: str(c["value"]) for c in cells}
    data.update({c["version_name"]: str(c["version"]) for c in cells})
    data[cells[0]["name"]] = "9223372036854775808"
    response = _post(admin_client, url, data)
    assert response.status_code == 200
    assert "quá lớn" in response.content.decode()


def test_import_targets_with_damaged_cells(demo):
    """Random cells of an exported form overwritten with bad values: the import either applies
    the whole form or refuses with Vietnamese problems and changes nothing."""
    import io

    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from plans.excel_export import export_workbook
    from plans.excel_import import ImportFailed
    from plans.services import import_targets_file

    period = Period.objects.select_related("plan").get(code=PEAK_CODE)
    plan = period.plan
    buffer = io.BytesIO()
    export_workbook(plan).save(buffer)
    pristine = buffer.getvalue()
    sheet = load_workbook(io.BytesIO(pristine)).worksheets[0]
    coords = [(r, c) for r in range(1, sheet.max_row + 1) for c in range(1, sheet.max_column + 1)]
    before = sorted(Target.objects.values_list("id", "value", "version"))

    @FUZZ
    @given(
        damage=st.dictionaries(
            st.sampled_from(coords),
            st.one_of(NASTY.filter(_in_range), st.integers(-5, 10_000)),
            min_size=1,
            max_size=5,
        )
    )
    def run(damage):
        book = load_workbook(io.BytesIO(pristine))
        ws = book.worksheets[0]
        for (r, c), value in damage.items():
            cell = ws.cell(r, c)
            if type(cell).__name__ == "MergedCell":
                continue
            if isinstance(value, str):  # characters an .xlsx file cannot hold at all
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.value = value
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        TRIED["n"] += 1
        with transaction.atomic():
            try:
                import_targets_file(source=out, source_name="fuzz.xlsx", plan=plan, user=SYSTEM)
            except ImportFailed as exc:
                assert exc.problems and all(str(p) for p in exc.problems)
                assert sorted(Target.objects.values_list("id", "value", "version")) == before
            transaction.set_rollback(True)

    run()
