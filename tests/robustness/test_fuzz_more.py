"""More hypothesis-generated bad input: the member and enterprise imports (command and web) and
the write forms of progress, enterprises, reports and organisation.

Never a server error; a command fails only with CommandError; a refused write leaves every
count as it was. Each example runs in a rolled-back transaction, so examples do not see each
other's writes (the same style as test_fuzz_forms.py).
"""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from enterprises.models import Enterprise, FoundingCase, Stage, WorkforceSurvey
from organisation.models import Unit, UnitKind
from organisation.selectors import find_unit_by_name
from progress.models import Member, Record, RecordKind
from reports.models import Report

FEW = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
SOME = settings(FEW, max_examples=80)
TRIED: dict[str, int] = {}

FUTURE = (timezone.localdate() + datetime.timedelta(days=400)).strftime("%d/%m/%Y")
# Text that breaks naive code (see test_fuzz_forms.NASTY) plus bad dates, formulas and numbers
# beyond any database integer column.
NASTY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "-1",
            "0",
            "1.100",
            "1,5",
            "1e9",
            "99999999999999999999999",
            "9223372036854775808",
            "2147483648",
            "NaN",
            "31/02/2024",
            "00/00/0000",
            "31/12/9999",
            "01/01/0001",
            "2024-13-45",
            FUTURE,
            "=SUM(A1:A9)",
            "=1/0",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "Mu\u031bo\u031b\u0300ng Te\u0300",
            "Lo\u0300 Va\u0306n Thu\u031b\u0309",
            "\u202e",
            "٣",
            "x" * 5000,
        ]
    ),
)
# What a damaged spreadsheet cell can hold besides text.
CELL = st.one_of(
    NASTY,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**18, 2**63, -(2**31), 1e308, -1e-9, 0.5, True]),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)),
    st.none(),
)


def _tick(name):
    TRIED[name] = TRIED.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    """How many cases each target tried, printed once the module is done (-s shows it): a
    report, not a test, since test order is random."""
    yield
    print("fuzz more: " + ", ".join(f"{k}: {v}" for k, v in sorted(TRIED.items())))


def _counts(*models):
    return [model.objects.count() for model in models]


def _post(client, url, data, models, *, ok=lambda r: r.status_code == 302, files=None):
    """POST in a rolled-back transaction: never 500; not a success → no row added."""
    before = _counts(*models)
    with transaction.atomic():
        response = client.post(url, {**data, **(files or {})})
        after = _counts(*models)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, data)
    if not ok(response):
        assert after == before, (url, data, before, after)
    return response


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damage(pristine: bytes, damage: dict) -> bytes:
    book = load_workbook(io.BytesIO(pristine))
    sheet = book.worksheets[0]
    for (r, c), value in damage.items():
        if isinstance(value, str):  # characters an .xlsx file cannot hold at all
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        sheet.cell(r, c).value = value
    out = io.BytesIO()
    try:
        book.save(out)
    except (ValueError, TypeError, OverflowError):  # openpyxl cannot write it: not a file
        return b""
    return out.getvalue()


def _damages(n_rows, n_cols):
    coords = st.tuples(st.integers(1, n_rows + 1), st.integers(1, n_cols))
    return st.dictionaries(coords, CELL, min_size=1, max_size=6)


@pytest.fixture
def admin_client(admin_user, client_for):
    return client_for(admin_user)


# --- progress: import_members --------------------------------------------------------------

MEMBER_HEADER = [
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Nghề nghiệp",
    "Ngày kết nạp",
]  # fmt: skip


def _member_rows(n=4):
    return [
        [
            i,
            f"Lò Văn Thử {i}",
            datetime.datetime(1995, 3, i),
            "Nam" if i % 2 else "Nữ",
            "Thái",
            f"01209500{i:04d}",
            "Công nhân",
            "15/07/2024",
        ]
        for i in range(1, n + 1)
    ]


@pytest.fixture
def union(demo):
    """A grassroots union older than the admission date, findable by its name."""
    candidates = Unit.objects.filter(
        kind__in=UnitKind.grassroots_level(),
        dissolved_on__isnull=True,
        founded_on__lt=datetime.date(2024, 7, 1),
    ).order_by("name")
    for unit in candidates:
        if find_unit_by_name(unit.name) == unit:
            return unit
    pytest.skip("no grassroots union in the demo data")


@pytest.fixture
def member_list():
    rows = [["LĐLĐ HUYỆN MƯỜNG TÈ"], ["DANH SÁCH ĐOÀN VIÊN KẾT NẠP MỚI"], MEMBER_HEADER]
    return _xlsx(rows + _member_rows())


def test_import_members_pristine_file_is_accepted(union, member_list, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(member_list)
    before = _counts(Member, Record)
    call_command("import_members", str(path), union=union.name, stdout=io.StringIO())
    assert Member.objects.count() == before[0] + 4


@SOME
@given(data=st.data())
def test_import_members_command(union, member_list, tmp_path, data):
    path = tmp_path / "members.xlsx"
    strategies = st.fixed_dictionaries(dict(damage=_damages(7, len(MEMBER_HEADER))))

    def run(damage):
        _tick("import_members command")
        path.write_bytes(_damage(member_list, damage))
        before = _counts(Member, Record)
        with transaction.atomic():
            try:
                call_command(
                    "import_members",
                    str(path),
                    union=union.name,
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
            except CommandError:
                assert _counts(Member, Record) == before
            else:
                _tick("import_members command (accepted)")
            transaction.set_rollback(True)

    run(**data.draw(strategies))


@SOME
@given(data=st.data())
def test_import_members_web(admin_client, union, member_list, data):
    url = reverse("progress:import_members")

    strategies = st.fixed_dictionaries(
        dict(damage=_damages(7, len(MEMBER_HEADER)), union_field=st.one_of(st.none(), NASTY))
    )

    def run(damage, union_field):
        _tick("import_members web")
        upload = SimpleUploadedFile("ds.xlsx", _damage(member_list, damage))
        before = _counts(Member, Record)
        data = {"union": str(union.pk) if union_field is None else union_field}
        with transaction.atomic():
            response = admin_client.post(url, {**data, "file": upload})
            assert response.status_code < 500
            assert _counts(Member, Record) == before  # the preview writes nothing
            preview = response.context and response.context.get("preview")
            if preview and preview["token"]:
                _tick("import_members web (accepted)")
                confirmed = admin_client.post(url, {"confirm": preview["token"]})
                assert confirmed.status_code == 302
                assert Member.objects.count() == before[0] + len(preview["members"])
            transaction.set_rollback(True)

    run(**data.draw(strategies))


# --- enterprises: import_enterprises --------------------------------------------------------

SURVEY_HEADER = [
    "STT", "Tên doanh nghiệp", "Mã số thuế", "Địa chỉ", "Xã/phường", "Công đoàn cấp trên",
    "Loại hình", "Ngành nghề", "Số lao động", "Ngày khảo sát",
]  # fmt: skip


@pytest.fixture
def survey_list(unit_a):
    rows = [
        [
            i,
            f"Công ty TNHH Thử Nghiệm Số {i}",
            "",
            f"Tổ {i}, thị trấn Mường Tè",
            "Thị trấn Mường Tè",
            unit_a.name,
            "Ngoài nhà nước",
            "Xây dựng",
            30 + i,
            "01/03/2024",
        ]
        for i in range(1, 5)
    ]
    return _xlsx([["DANH SÁCH DOANH NGHIỆP"], SURVEY_HEADER, *rows])


COUNTS_LINE = re.compile(r"Tạo mới: (\d+); cập nhật: (\d+); bị từ chối: (\d+)")


@SOME
@given(data=st.data())
def test_import_enterprises_command(demo, survey_list, tmp_path, data):
    path = tmp_path / "survey.xlsx"

    strategies = st.fixed_dictionaries(
        dict(
            damage=_damages(6, len(SURVEY_HEADER)),
            survey_date=st.one_of(
                st.none(), st.sampled_from(["31/02/2024", "01/01/2024", "x", FUTURE])
            ),
        )
    )

    def run(damage, survey_date):
        _tick("import_enterprises command")
        path.write_bytes(_damage(survey_list, damage))
        before = _counts(Enterprise, WorkforceSurvey)
        out = io.StringIO()
        options = {"survey_date": survey_date} if survey_date else {}
        with transaction.atomic():
            try:
                call_command("import_enterprises", str(path), stdout=out, **options)
            except CommandError:
                assert _counts(Enterprise, WorkforceSurvey) == before
            else:
                _tick("import_enterprises command (accepted)")
                created, updated, rejected = map(int, COUNTS_LINE.search(out.getvalue()).groups())
                enterprises, surveys = _counts(Enterprise, WorkforceSurvey)
                # Rejected rows are not saved: only the created ones are new enterprises.
                assert enterprises == before[0] + created
                assert surveys <= before[1] + created + updated
            transaction.set_rollback(True)

    run(**data.draw(strategies))


@pytest.fixture
def media_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@FEW
@given(data=st.data())
def test_import_enterprises_web(admin_client, survey_list, media_tmp, data):
    upload_url = reverse("enterprises:import")
    preview_url = reverse("enterprises:import_preview")

    strategies = st.fixed_dictionaries(
        dict(damage=_damages(6, len(SURVEY_HEADER)), survey_date=NASTY)
    )

    def run(damage, survey_date):
        _tick("import_enterprises web")
        upload = SimpleUploadedFile("ks.xlsx", _damage(survey_list, damage))
        before = _counts(Enterprise, WorkforceSurvey)
        with transaction.atomic():
            response = admin_client.post(
                upload_url, {"file": upload, "unit": "", "survey_date": survey_date}
            )
            assert response.status_code < 500
            if response.status_code == 302:
                shown = admin_client.get(preview_url)
                assert shown.status_code < 500
                assert _counts(Enterprise, WorkforceSurvey) == before
                result = shown.context and shown.context.get("result")
                saved = admin_client.post(preview_url, {"action": "save"})
                assert saved.status_code < 500
                if result and getattr(saved, "url", "") == reverse("enterprises:list"):
                    _tick("import_enterprises web (saved)")
                    assert Enterprise.objects.count() == before[0] + result.created
                else:  # refused as a whole (e.g. a date the services reject): nothing saved
                    assert _counts(Enterprise, WorkforceSurvey) == before
            else:
                assert _counts(Enterprise, WorkforceSurvey) == before
            transaction.set_rollback(True)

    run(**data.draw(strategies))


# --- progress: entry forms ------------------------------------------------------------------

PROGRESS = (Member, Record, Unit)
DATES = st.one_of(NASTY, st.dates().map(lambda d: d.strftime("%d/%m/%Y")))


@pytest.fixture
def member(union):
    return Member.objects.filter(union=union, left_on__isnull=True).first() or pytest.skip()


@FEW
@given(data=st.data())
def test_progress_member_forms(admin_client, member, union, data):
    intro = Record.objects.filter(kind=RecordKind.PARTY_INTRODUCED).first()

    strategies = st.fixed_dictionaries(
        dict(date=DATES, reason=NASTY, note=NASTY, to_union=NASTY, outcome=NASTY)
    )

    def run(date, reason, note, to_union, outcome):
        _tick("progress member forms")
        pk = member.pk
        _post(
            admin_client,
            reverse("progress:departure", args=[pk]),
            {"date": date, "reason": reason, "note": note},
            PROGRESS,
        )
        _post(
            admin_client,
            reverse("progress:transfer", args=[pk]),
            {"date": date, "to_union": to_union, "note": note},
            PROGRESS,
        )
        _post(
            admin_client,
            reverse("progress:party_intro", args=[pk]),
            {"date": date, "note": note},
            PROGRESS,
        )
        if intro:
            _post(
                admin_client,
                reverse("progress:party_outcome", args=[intro.pk]),
                {"date": date, "outcome": outcome},
                PROGRESS,
            )

    run(**data.draw(strategies))


@FEW
@given(data=st.data())
def test_progress_batch_and_found_union(admin_client, union, unit_a, data):
    strategies = st.fixed_dictionaries(
        dict(
            kind=st.one_of(NASTY, st.sampled_from(["admitted", "left"])),
            date=DATES,
            count=st.one_of(NASTY, st.integers().map(str)),
            reason=NASTY,
            note=NASTY,
            name=NASTY,
            sector=NASTY,
            parent=st.one_of(NASTY, st.just(str(unit_a.pk))),
        )
    )

    def run(kind, date, count, reason, note, name, sector, parent):
        _tick("progress batch/found_union")
        _post(
            admin_client,
            reverse("progress:batch"),
            {
                "union": str(union.pk),
                "kind": kind,
                "date": date,
                "count": count,
                "reason": reason,
                "note": note,
            },
            PROGRESS,
        )
        _post(
            admin_client,
            reverse("progress:found_union"),
            {"parent": parent, "name": name, "kind": kind, "sector": sector, "founded_on": date},
            PROGRESS,
        )

    run(**data.draw(strategies))


@FEW
@given(data=st.data())
def test_progress_add_members(admin_client, union, data):
    columns = ["full_name", "date_of_birth", "gender", "ethnicity", "cccd", "job", "admitted_on"]

    strategies = st.fixed_dictionaries(
        dict(
            cells=st.dictionaries(
                st.tuples(st.integers(0, 3), st.sampled_from(columns)), NASTY, max_size=10
            ),
            rows=st.one_of(st.just("4"), NASTY),
            union_field=st.one_of(st.just(str(union.pk)), NASTY),
        )
    )

    def run(cells, rows, union_field):
        _tick("progress add_members")
        data = {"union": union_field, "rows": rows}
        for i in range(4):  # valid rows, then random cells overwritten
            data.update(
                {
                    f"row-{i}-full_name": f"Lò Thị Thử {i}",
                    f"row-{i}-date_of_birth": "02/03/1996",
                    f"row-{i}-gender": "Nữ",
                    f"row-{i}-cccd": f"01219600{i:04d}",
                    f"row-{i}-admitted_on": "15/07/2024",
                }
            )
        data.update({f"row-{i}-{key}": value for (i, key), value in cells.items()})
        _post(admin_client, reverse("progress:add_members"), data, PROGRESS)

    run(**data.draw(strategies))


# --- enterprises: register and founding steps -----------------------------------------------

ENTERPRISES = (Enterprise, WorkforceSurvey, FoundingCase, Unit, Member)


@FEW
@given(data=st.data())
def test_enterprise_forms(admin_client, unit_a, data):
    enterprise = Enterprise.objects.filter(unit=unit_a).first() or Enterprise.objects.first()

    strategies = st.fixed_dictionaries(
        dict(
            name=NASTY,
            tax_code=NASTY,
            unit=st.one_of(NASTY, st.just(str(unit_a.pk))),
            ownership=st.one_of(NASTY, st.sampled_from(["state", "non_state", "foreign"])),
            text=NASTY,
            workers=st.one_of(NASTY, st.integers(-(10**25), 10**25).map(str)),
            date=DATES,
        )
    )

    def run(name, tax_code, unit, ownership, text, workers, date):
        _tick("enterprise create/edit/survey")
        data = {
            "name": name,
            "tax_code": tax_code,
            "unit": unit,
            "address": text,
            "commune": text,
            "ownership": ownership,
            "industry": text,
            "note": text,
        }
        _post(
            admin_client,
            reverse("enterprises:create"),
            {**data, "workers": workers, "surveyed_on": date},
            ENTERPRISES,
        )
        _post(admin_client, reverse("enterprises:edit", args=[enterprise.pk]), data, ENTERPRISES)
        from enterprises.forms import SurveyForm

        survey = {"workers": workers, "surveyed_on": date, "source": text}
        valid = SurveyForm(survey).is_valid()
        _post(
            admin_client,
            reverse("enterprises:add_survey", args=[enterprise.pk]),
            survey,
            ENTERPRISES,
            ok=lambda r: valid,  # always redirects; saved only when the form was valid
        )

    run(**data.draw(strategies))


def _advance(case, admin_user, to):
    from enterprises import services

    day = timezone.localdate() - datetime.timedelta(days=1)
    if case.stage < Stage.COMMITTEE <= to:
        members = [{"full_name": f"Người {i}", "position": "Thành viên"} for i in range(5)]
        case = services.record_committee(case=case, formed_on=day, members=members, user=admin_user)
    if case.stage < Stage.CONFERENCE <= to:
        case = services.record_conference(
            case=case, kind="congress", held_on=day, applications=30, user=admin_user
        )
    return case


@pytest.fixture
def steps(admin_user):
    """One founding case waiting at each of the first three steps."""
    cases = list(FoundingCase.objects.filter(stage=Stage.IDENTIFIED).order_by("pk")[:3])
    try:
        cases[1] = _advance(cases[1], admin_user, Stage.COMMITTEE)
        cases[2] = _advance(cases[2], admin_user, Stage.CONFERENCE)
    except Exception as exc:  # noqa: BLE001 - the demo data changed; say so
        pytest.skip(f"cannot advance the demo cases: {exc}")
    return {"committee": cases[0], "conference": cases[1], "decision": cases[2]}


@FEW
@given(data=st.data())
def test_case_steps(admin_client, steps, data):
    strategies = st.fixed_dictionaries(
        dict(
            step=st.sampled_from(sorted(steps)),
            date=DATES,
            text=NASTY,
            number=st.one_of(NASTY, st.integers(-(10**25), 10**25).map(str)),
            kind=st.one_of(NASTY, st.sampled_from(["congress", "launch"])),
            rows=st.one_of(st.just(""), NASTY),
            people=st.dictionaries(
                st.sampled_from(
                    [f"cm-{i}-{k}" for i in range(5) for k in ("full_name", "position")]
                    + [
                        f"fm-{i}-{k}"
                        for i in range(6)
                        for k in ("full_name", "date_of_birth", "gender", "cccd", "job")
                    ]
                ),
                NASTY,
                max_size=12,
            ),
        )
    )

    def run(step, date, text, number, kind, rows, people):
        _tick("enterprises case_step")
        data = {
            "formed_on": date,
            "kind": kind,
            "held_on": date,
            "applications": number,
            "number": text,
            "decided_on": date,
            "signer": text,
            "union_name": text,
            "committee_rows": rows,
            "founding_rows": rows,
            **people,
        }
        case = steps[step]
        before = FoundingCase.objects.get(pk=case.pk).stage
        with transaction.atomic():
            response = admin_client.post(
                reverse("enterprises:case_step", args=[case.pk, step]), data
            )
            counts = _counts(Unit, Member)
            stage = FoundingCase.objects.get(pk=case.pk).stage
            transaction.set_rollback(True)
        assert response.status_code < 500, data
        if response.status_code != 302:
            assert stage == before
            assert counts == _counts(Unit, Member)

    run(**data.draw(strategies))


# --- reports: save and transitions ----------------------------------------------------------


@pytest.fixture
def report():
    return Report.objects.select_related("deadline").filter(status="draft").first() or pytest.skip()


@FEW
@given(data=st.data())
def test_report_save(admin_client, report, data):
    url = reverse("reports:save", args=[report.deadline_id, report.unit_id])
    fields = ["number", "results", "good_practices", "difficulties", "proposals"]
    fields += ["signer_title", "signer_name", "recipients"]

    strategies = st.fixed_dictionaries(
        dict(
            texts=st.fixed_dictionaries({f: NASTY for f in fields}),
            dated_on=DATES,
            version=st.one_of(st.just(str(report.version)), NASTY, st.integers().map(str)),
            submit=st.sampled_from(["", "1"]),
        )
    )

    def run(texts, dated_on, version, submit):
        _tick("reports save")
        data = {**texts, "dated_on": dated_on, "version": version, "and_submit": submit}
        before = list(Report.objects.values_list("pk", "version", "status"))
        with transaction.atomic():
            response = admin_client.post(url, data)
            after = list(Report.objects.values_list("pk", "version", "status"))
            transaction.set_rollback(True)
        assert response.status_code < 500, data
        if response.status_code != 302:
            assert after == before

    run(**data.draw(strategies))


@FEW
@given(data=st.data())
def test_report_transitions(admin_client, demo, data):
    reports = list(Report.objects.order_by("pk")[:6])

    strategies = st.fixed_dictionaries(
        dict(
            index=st.integers(0, len(reports) - 1),
            action=st.one_of(
                st.sampled_from(["submit", "return", "accept", "reopen"]),
                st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_.", min_size=1, max_size=12),
            ),
            version=st.one_of(st.just(""), NASTY, st.integers().map(str)),
            reason=NASTY,
        )
    )

    def run(index, action, version, reason):
        _tick("reports transition")
        report = reports[index]
        url = reverse("reports:transition", args=[report.deadline_id, report.unit_id, action])
        before = list(Report.objects.values_list("pk", "version", "status"))
        with transaction.atomic():
            response = admin_client.post(url, {"version": version, "reason": reason})
            after = list(Report.objects.values_list("pk", "version", "status"))
            messages = [str(m) for m in response.wsgi_request._messages]
            transaction.set_rollback(True)
        assert response.status_code < 500, (action, version, reason)
        if response.status_code != 302 or not any(m.startswith("Đã") for m in messages):
            assert after == before

    run(**data.draw(strategies))


# --- organisation: structure changes --------------------------------------------------------


@FEW
@given(data=st.data())
def test_organisation_forms(admin_client, unit_a, unit_b, data):
    from organisation.models import UnitLink

    commune = Unit.objects.filter(kind=UnitKind.COMMUNE, dissolved_on__isnull=True).first()
    grassroots = Unit.objects.filter(kind=UnitKind.GRASSROOTS, dissolved_on__isnull=True).first()
    victims = [u for u in (commune, grassroots) if u]
    models = (Unit, UnitLink, Member, Record)
    unit_choice = st.one_of(NASTY, st.sampled_from([str(u.pk) for u in (unit_a, unit_b, *victims)]))

    strategies = st.fixed_dictionaries(
        dict(
            name=NASTY,
            code=NASTY,
            kind=st.one_of(NASTY, st.sampled_from([k.value for k in UnitKind])),
            sector=NASTY,
            date=DATES,
            parent=unit_choice,
            sources=st.lists(unit_choice, max_size=3),
            target=unit_choice,
            victim=st.sampled_from(victims),
        )
    )

    def run(name, code, kind, sector, date, parent, sources, target, victim):
        _tick("organisation forms")
        state = lambda: list(Unit.objects.values_list("pk", "dissolved_on", "sector"))  # noqa: E731
        checks = [
            (
                reverse("organisation:create"),
                {
                    "parent": parent,
                    "name": name,
                    "short_name": name,
                    "code": code,
                    "kind": kind,
                    "sector": sector,
                    "valid_from": date,
                },
            ),
            (
                reverse("organisation:move", args=[victim.pk]),
                {"new_parent": parent, "on_date": date},
            ),
            (reverse("organisation:dissolve", args=[victim.pk]), {"on_date": date}),
            (
                reverse("organisation:sector", args=[victim.pk]),
                {"sector": sector, "effective_from": date},
            ),
            (
                reverse("organisation:merge"),
                {
                    "sources": sources,
                    "on_date": date,
                    "target": target,
                    "new_name": name,
                    "new_kind": kind,
                    "new_sector": sector,
                    "new_parent": parent,
                },
            ),
        ]
        for url, data in checks:
            before = (state(), _counts(*models))
            with transaction.atomic():
                response = admin_client.post(url, data)
                after = (state(), _counts(*models))
                transaction.set_rollback(True)
            assert response.status_code < 500, (url, data)
            if response.status_code != 302:
                assert after == before, (url, data)

    run(**data.draw(strategies))


# --- the other write forms: informal groups, link union, reporting calendar, bulk accept ----


@FEW
@given(data=st.data())
def test_other_write_forms(admin_client, unit_a, data):
    from enterprises.models import InformalGroup
    from reports.models import ReportingDeadline

    deadline = ReportingDeadline.objects.select_related("plan").order_by("pk").first()
    enterprise = Enterprise.objects.filter(unit=unit_a).first() or Enterprise.objects.first()
    strategies = st.fixed_dictionaries(
        dict(
            text=NASTY,
            number=st.one_of(NASTY, st.integers(-(10**25), 10**25).map(str)),
            unit=st.one_of(NASTY, st.just(str(unit_a.pk))),
            date=DATES,
            code=st.one_of(NASTY, st.from_regex(r"[a-z0-9-]{1,45}", fullmatch=True)),
            kind=NASTY,
            ids=st.lists(
                st.one_of(NASTY, st.integers().map(str), st.sampled_from(["²", "٣"])), max_size=4
            ),
        )
    )

    def run(text, number, unit, date, code, kind, ids):
        _tick("informal/link_union/calendar/bulk_accept")
        models = (InformalGroup, FoundingCase, ReportingDeadline, Report, Enterprise)
        _post(
            admin_client,
            reverse("enterprises:informal_create"),
            {"trade": text, "place": text, "commune": text, "workers": number, "unit": unit},
            models,
        )
        _post(
            admin_client,
            reverse("enterprises:link_union", args=[enterprise.pk]),
            {"union": unit},
            models,
            ok=lambda r: True,  # always redirects; the link is a change, not a new row
        )
        calendar = {
            "name": text,
            "code": code,
            "kind": kind,
            "period": number,
            "start": date,
            "end": date,
            "due_on": date,
            "remind_days_before": number,
            "note": text,
            "sort_order": number,
        }
        _post(admin_client, reverse("reports:calendar", args=[deadline.plan_id]), calendar, models)
        _post(
            admin_client,
            reverse("reports:deadline_edit", args=[deadline.plan_id, deadline.pk]),
            calendar,
            models,
        )
        statuses = list(Report.objects.values_list("pk", "status", "version"))
        with transaction.atomic():
            response = admin_client.post(
                reverse("reports:bulk_accept", args=[deadline.pk]), {"report": ids}
            )
            after = list(Report.objects.values_list("pk", "status", "version"))
            transaction.set_rollback(True)
        assert response.status_code < 500, ids
        if not any(i.isdecimal() and int(i) in {pk for pk, *_ in statuses} for i in ids):
            assert after == statuses  # nothing named that exists: nothing accepted

    run(**data.draw(strategies))


# --- the 500s the fuzzing found, pinned down --------------------------------------------------


def test_future_date_is_a_form_error_not_a_500(admin_client, member):
    response = _post(
        admin_client,
        reverse("progress:departure", args=[member.pk]),
        {"date": FUTURE, "reason": "retired"},
        PROGRESS,
    )
    assert response.status_code == 200
    assert "tương lai" in response.content.decode()


def test_add_members_with_junk_row_count(admin_client, union):
    data = {"union": str(union.pk), "rows": "abc", "row-0-full_name": "Lò Thị Thử"}
    response = _post(admin_client, reverse("progress:add_members"), data, PROGRESS)
    assert response.status_code == 200


def test_case_step_with_junk_or_huge_row_count(admin_client):
    case = FoundingCase.objects.filter(stage=Stage.IDENTIFIED).first()
    url = reverse("enterprises:case_step", args=[case.pk, "committee"])
    for rows in ("abc", "99999999999999999999999"):
        response = _post(
            admin_client, url, {"formed_on": "2024-01-01", "committee_rows": rows}, ENTERPRISES
        )
        assert response.status_code == 400


def test_report_transition_with_junk_version(admin_client, report):
    url = reverse("reports:transition", args=[report.deadline_id, report.unit_id, "submit"])
    before = list(Report.objects.values_list("pk", "version", "status"))
    response = _post(admin_client, url, {"version": "x1"}, (Report,))
    assert response.status_code == 302
    assert list(Report.objects.values_list("pk", "version", "status")) == before


def test_future_survey_date_refused_before_the_preview(admin_client, survey_list, media_tmp):
    upload = SimpleUploadedFile("ks.xlsx", survey_list)
    data = {"file": upload, "unit": "", "survey_date": FUTURE}
    response = _post(admin_client, reverse("enterprises:import"), data, ENTERPRISES)
    assert response.status_code == 200
    assert "tương lai" in response.content.decode()


def test_bulk_accept_with_superscript_digit(admin_client, report):
    url = reverse("reports:bulk_accept", args=[report.deadline_id])
    response = _post(
        admin_client, url, {"report": ["²", "9223372036854775808", str(report.pk)]}, (Report,)
    )
    assert response.status_code == 302


def test_superscript_digit_in_audit_search_and_plan_grid(admin_client):
    from plans.demo import PEAK_CODE
    from plans.models import Period

    assert _get_ok(admin_client, reverse("accounts:audit_log"), {"q": "²"})
    period = Period.objects.select_related("plan").get(code=PEAK_CODE)
    url = reverse("plans:edit", args=[period.plan.pk, period.code])
    cells = [c for row in admin_client.get(url).context["rows"] for c in row["cells"]]
    data = {c["name"]: str(c["value"]) for c in cells}
    data.update({c["version_name"]: str(c["version"]) for c in cells})
    data[cells[0]["version_name"]] = "²"
    _post(admin_client, url, data, ())


def _get_ok(client, url, params):
    response = client.get(url, params)
    assert response.status_code < 500
    return True
