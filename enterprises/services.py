"""Writes for enterprises, informal groups and the founding pipeline. All atomic.

Each takes the acting user (``user=``) and checks accounts.permissions itself: every write is a
change to the unit the enterprise, group or case belongs to (``require_edit``, PermissionDenied).
Then the data is checked; ``EnterpriseError`` carries a Vietnamese message naming the field.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from accounts.permissions import recorded_user, require_edit
from core.errors import ServiceError
from core.text import clean, name_key
from enterprises import rules
from enterprises.models import (
    CommitteeMember,
    ConferenceKind,
    Enterprise,
    FoundingCase,
    InformalGroup,
    LegalForm,
    Ownership,
    Stage,
    WorkforceSurvey,
)
from enterprises.uploads import check_decision_file
from organisation.models import Sector, Unit, UnitKind


class EnterpriseError(ServiceError):
    """Bad input; the message is Vietnamese and names the field."""


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _plain_valid_tax_code(raw) -> bool:
    """A tax code already written as the register keeps it ('0100109106', '0100109106-001')
    whose checks pass (stdnum.vn.mst's, done here without its cleaning: an import checks each
    code twice, a few thousand of them)."""
    if not isinstance(raw, str) or not raw.isascii():
        return False
    if len(raw) == 14 and raw[10] == "-":
        head, branch = raw[:10], raw[11:]
        if not (branch.isdigit() and branch != "000"):
            return False
    elif len(raw) == 10:
        head = raw
    else:
        return False
    if not head.isdigit() or head[2:9] == "0000000":
        return False
    d = head.encode()  # ASCII digits: each byte is 48 + the digit
    total = (
        31 * d[0] + 29 * d[1] + 23 * d[2] + 19 * d[3] + 17 * d[4] + 13 * d[5]
        + 7 * d[6] + 5 * d[7] + 3 * d[8] - 48 * sum(_MST_WEIGHTS)
    )  # fmt: skip
    return head[9] == str(10 - total % 11)


def normalise_tax_code(raw) -> str:
    """'' for blank; '0100109106' or '0100109106-001' when the checksum holds; else an error."""
    if _plain_valid_tax_code(raw):
        return raw
    text = clean(raw)
    if not text:
        return ""
    try:
        compact = mst.validate(text)
    except StdnumError as exc:
        raise EnterpriseError(
            _(
                "Mã số thuế “%(code)s” không hợp lệ (%(why)s): cần 10 chữ số, hoặc 13 chữ số "
                "cho chi nhánh dạng 0100109106-001, và chữ số kiểm tra đúng."
            )
            % {"code": text, "why": _reason(exc)}
        ) from exc
    return mst.format(compact)


def _reason(exc) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksum": _("sai chữ số kiểm tra"),
        "InvalidLength": _("sai độ dài"),
        "InvalidFormat": _("sai định dạng"),
        "InvalidComponent": _("sai thành phần"),
    }.get(name, name)


def _check_not_future(day: datetime.date, label: str, today: datetime.date | None = None) -> None:
    if day > (today or timezone.localdate()):
        raise EnterpriseError(
            _("%(label)s %(date)s ở tương lai.") % {"label": label, "date": _d(day)}
        )


def _check_upper_level(unit: Unit) -> None:
    if unit.kind not in [*UnitKind.upper_level(), UnitKind.PROVINCE]:
        raise EnterpriseError(
            _("“%(unit)s” không phải công đoàn cấp trên trực tiếp cơ sở.") % {"unit": unit}
        )


def _check_unique_tax_code(tax_code: str, exclude_pk=None) -> None:
    if not tax_code:
        return
    clash = Enterprise.objects.filter(tax_code=tax_code).exclude(pk=exclude_pk).first()
    if clash:
        raise EnterpriseError(
            _("Mã số thuế %(code)s đã có: “%(name)s”.") % {"code": tax_code, "name": clash.name}
        )


@transaction.atomic
def create_enterprise(
    *,
    name: str,
    unit: Unit,
    user,
    tax_code: str = "",
    address: str = "",
    commune: str = "",
    ownership: str = Ownership.NON_STATE,
    legal_form: str = "",
    industry: str = "",
    workers: int | None = None,
    surveyed_on: datetime.date | None = None,
    note: str = "",
    source: str = "",
    is_demo: bool = False,
) -> Enterprise:
    """A new enterprise; with a workforce, its first survey; without a union, a founding case
    at the "identified" step."""
    require_edit(user, unit)
    name = clean(name)
    if not name:
        raise EnterpriseError(_("Thiếu tên doanh nghiệp."))
    _check_upper_level(unit)
    if ownership not in Ownership.values:
        raise EnterpriseError(_("Loại hình sở hữu không hợp lệ."))
    if legal_form and legal_form not in LegalForm.values:
        raise EnterpriseError(_("Loại hình doanh nghiệp không hợp lệ."))
    tax_code = normalise_tax_code(tax_code)
    _check_unique_tax_code(tax_code)
    surveyed_on = surveyed_on or timezone.localdate()
    if workers is not None:
        _check_workforce(workers, surveyed_on)
    # One insert each for the enterprise, its first survey and its case (imports of thousands
    # of rows stay quick); record_workforce is for later surveys.
    enterprise = Enterprise.objects.create(
        name=name,
        unit=unit,
        tax_code=tax_code,
        address=clean(address),
        commune=clean(commune),
        ownership=ownership,
        legal_form=legal_form,
        industry=clean(industry),
        note=clean(note),
        created_by=recorded_user(user),
        is_demo=is_demo,
        workers=workers,
        workers_surveyed_on=surveyed_on if workers is not None else None,
    )
    if workers is not None:
        WorkforceSurvey.objects.create(
            enterprise=enterprise,
            surveyed_on=surveyed_on,
            workers=workers,
            source=clean(source)[:255],
            recorded_by=recorded_user(user),
        )
    FoundingCase.objects.create(
        enterprise=enterprise,
        unit=unit,
        identified_on=min(surveyed_on, timezone.localdate()),
        identified_by=recorded_user(user),
        identified_at=timezone.now(),
    )
    return enterprise


@transaction.atomic
def import_enterprises(*, creates: list[dict], updates: list[dict], user, source: str = "") -> None:
    """An import's writes in bulk, all or nothing: ``create_enterprise`` for each of creates
    (dicts of its keyword arguments) and, for each of updates ({"enterprise", "changes",
    "workers", "surveyed_on"}), ``update_enterprise(**changes)`` then ``record_workforce``.

    The same rights and checks as those, for every row; then a few statements for all rows
    (core.bulk: the enterprises, their surveys, their cases and a history row each), the tax
    codes checked against the register in one query. A changed enterprise gets one history row
    with its final state."""
    from core import bulk

    allowed: dict[int, bool] = {}

    def require_unit(unit):
        if unit.pk not in allowed:
            require_edit(user, unit)
            allowed[unit.pk] = True

    upper_level: set[int] = set()

    def check_upper_level(unit):
        if unit.pk not in upper_level:
            _check_upper_level(unit)
            upper_level.add(unit.pk)

    texts: dict[str, str] = {}  # a list repeats its communes, industries: each cleaned once

    def text(value):
        if not isinstance(value, str):
            return clean(value)
        if value not in texts:
            texts[value] = clean(value)
        return texts[value]

    today, now, actor = timezone.localdate(), timezone.now(), recorded_user(user)
    actor_id = actor.pk if actor is not None else None
    source = clean(source)[:255]
    new_rows, survey_rows, identified = [], [], []
    claimed: dict[str, int | None] = {}  # tax code -> the enterprise taking it (None: new)
    for item in creates:
        unit = item["unit"]
        require_unit(unit)
        name = clean(item.get("name"))
        if not name:
            raise EnterpriseError(_("Thiếu tên doanh nghiệp."))
        check_upper_level(unit)
        ownership = item.get("ownership") or Ownership.NON_STATE
        if ownership not in OWNERSHIPS:
            raise EnterpriseError(_("Loại hình sở hữu không hợp lệ."))
        legal_form = item.get("legal_form") or ""
        if legal_form and legal_form not in LEGAL_FORMS:
            raise EnterpriseError(_("Loại hình doanh nghiệp không hợp lệ."))
        tax_code = normalise_tax_code(item.get("tax_code"))
        if tax_code:
            if tax_code in claimed:
                raise EnterpriseError(
                    _("Mã số thuế %(code)s đã có: “%(name)s”.") % {"code": tax_code, "name": name}
                )
            claimed[tax_code] = None
        workers = item.get("workers")
        surveyed_on = item.get("surveyed_on") or today
        if workers is not None:
            _check_workforce(workers, surveyed_on, today)
        identified.append(surveyed_on)
        new_rows.append(
            {
                "name": name,
                "name_key": name.casefold(),  # name_key(name): the name is clean already
                "unit_id": unit.pk,
                "tax_code": tax_code,
                "address": clean(item.get("address")),
                "commune": text(item.get("commune")),
                "ownership": ownership,
                "legal_form": legal_form,
                "industry": text(item.get("industry")),
                "note": text(item.get("note")),
                "created_by_id": actor_id,
                "is_demo": False,
                "workers": workers,
                "workers_surveyed_on": surveyed_on if workers is not None else None,
            }
        )
    changed = []
    unit_moves: dict[int, list[int]] = {}
    surveys_for: dict[int, list] = {}
    for item in updates:
        enterprise, changes = item["enterprise"], dict(item.get("changes") or {})
        require_unit(enterprise.unit)
        if set(changes) - set(EDITABLE_FIELDS):
            raise TypeError(f"import_enterprises: unknown fields {sorted(set(changes))}")
        if "tax_code" in changes:
            changes["tax_code"] = normalise_tax_code(changes["tax_code"])
            code = changes["tax_code"]
            if code and code != enterprise.tax_code:
                if code in claimed and claimed[code] != enterprise.pk:
                    raise EnterpriseError(
                        _("Mã số thuế %(code)s đã có: “%(name)s”.")
                        % {"code": code, "name": enterprise.name}
                    )
                claimed[code] = enterprise.pk
        if "unit" in changes:
            require_unit(changes["unit"])
            check_upper_level(changes["unit"])
        if "ownership" in changes and changes["ownership"] not in OWNERSHIPS:
            raise EnterpriseError(_("Loại hình sở hữu không hợp lệ."))
        if changes.get("legal_form") and changes["legal_form"] not in LEGAL_FORMS:
            raise EnterpriseError(_("Loại hình doanh nghiệp không hợp lệ."))
        for key in ("address", "commune", "industry", "note"):
            if key in changes:
                changes[key] = clean(changes[key])
        fields = [key for key, value in changes.items() if getattr(enterprise, key) != value]
        if "unit" in fields:
            unit_moves.setdefault(changes["unit"].pk, []).append(enterprise.pk)
        for key in fields:
            setattr(enterprise, key, changes[key])
        workers = item.get("workers")
        if workers is not None:
            _check_workforce(workers, item["surveyed_on"], today)
            surveys_for[enterprise.pk] = [enterprise, workers, item["surveyed_on"], bool(fields)]
        elif fields:
            changed.append(enterprise)
    _check_tax_codes_free(claimed)
    # Surveys of the updated enterprises: the same figure on the same date adds nothing.
    known: dict[int, list[tuple]] = {}
    for survey in WorkforceSurvey.objects.filter(enterprise_id__in=list(surveys_for)).values_list(
        "enterprise_id", "surveyed_on", "workers", "id"
    ):
        known.setdefault(survey[0], []).append(survey[1:])
    for pk, (enterprise, workers, surveyed_on, has_changes) in surveys_for.items():
        if (surveyed_on, workers) in {(day, n) for day, n, _id in known.get(pk, [])}:
            if has_changes:
                changed.append(enterprise)
            continue
        survey_rows.append(
            {
                "enterprise_id": pk,
                "surveyed_on": surveyed_on,
                "workers": workers,
                "source": source,
                "recorded_by_id": actor_id,
            }
        )
        # The latest survey by date, then the newest (the new one is the newest of all).
        latest_day, _newest, latest_workers = max(
            [(day, id_, n) for day, n, id_ in known.get(pk, [])]
            + [(surveyed_on, float("inf"), workers)]
        )
        enterprise.workers, enterprise.workers_surveyed_on = latest_workers, latest_day
        changed.append(enterprise)
    ids = bulk.insert(Enterprise, new_rows, returning=True)
    bulk.insert_history(Enterprise, new_rows, ids)
    # The updated enterprises' new surveys, then the first survey of each new enterprise with
    # a workforce, written by the database from the enterprise rows (INSERT … SELECT).
    survey_ids = bulk.insert(WorkforceSurvey, survey_rows, returning=True)
    bulk.insert_history(WorkforceSurvey, survey_rows, survey_ids)
    first_surveys = bulk.insert_from(
        WorkforceSurvey,
        Enterprise,
        ids,
        {
            "enterprise_id": bulk.From("id"),
            "surveyed_on": bulk.From("workers_surveyed_on"),
            "workers": bulk.From("workers"),
            "source": source,
            "recorded_by_id": actor_id,
        },
        not_null=("workers",),
    )
    if len(first_surveys) != sum(1 for row in new_rows if row["workers"] is not None):
        raise RuntimeError("import_enterprises: a new enterprise without its survey")
    bulk.insert_history(WorkforceSurvey, [], first_surveys)
    # A founding case each, identified on its survey date (never after today: checked above),
    # or today without one.
    if all(row["workers"] is not None for row in new_rows):
        case_ids = bulk.insert_from(
            FoundingCase,
            Enterprise,
            ids,
            {
                "enterprise_id": bulk.From("id"),
                "unit_id": bulk.From("unit_id"),
                "identified_on": bulk.From("workers_surveyed_on"),
                "identified_by_id": actor_id,
                "identified_at": now,
            },
        )
        if len(case_ids) != len(ids):
            raise RuntimeError("import_enterprises: a new enterprise without its case")
        bulk.insert_history(FoundingCase, [], case_ids)
    else:
        case_rows = [
            {
                "enterprise_id": pk,
                "unit_id": row["unit_id"],
                "identified_on": min(day, today),
                "identified_by_id": actor_id,
                "identified_at": now,
            }
            for row, pk, day in zip(new_rows, ids, identified, strict=True)
        ]
        case_ids = bulk.insert(FoundingCase, case_rows, returning=True)
        bulk.insert_history(FoundingCase, case_rows, case_ids)
    _save_changed(changed)
    for unit_pk, pks in unit_moves.items():
        FoundingCase.objects.filter(enterprise_id__in=pks).update(unit_id=unit_pk)


def _check_tax_codes_free(claimed: dict[str, int | None]) -> None:
    """The tax codes an import gives are not another enterprise's (one query)."""
    codes = sorted(claimed)
    if not codes:
        return
    # Plain SQL over the tax-code index: the ORM would prepare each code as its own parameter
    # (PostgreSQL takes them all as one array).
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    found = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT id, tax_code, name FROM {table} WHERE tax_code = ANY(%s)", [codes]
            )
            found += cursor.fetchall()
        else:
            for at in range(0, len(codes), 10_000):
                chunk = codes[at : at + 10_000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id, tax_code, name FROM {table} WHERE tax_code IN ({marks})", chunk
                )
                found += cursor.fetchall()
    for pk, code, name in found:
        if claimed[code] != pk:
            raise EnterpriseError(
                _("Mã số thuế %(code)s đã có: “%(name)s”.") % {"code": code, "name": name}
            )


IMPORT_FIELDS = [
    "tax_code", "address", "commune", "unit_id", "ownership", "legal_form", "industry",
    "workers", "workers_surveyed_on",
]  # fmt: skip
OWNERSHIPS = frozenset(Ownership.values)
LEGAL_FORMS = frozenset(LegalForm.values)


def _save_changed(enterprises: list[Enterprise]) -> None:
    """Write the changed enterprises (one UPDATE each, one statement) and a "~" history row."""
    from core import bulk

    unique = list({e.pk: e for e in enterprises}.values())
    if not unique:
        return
    for enterprise in unique:
        enterprise.name_key = name_key(enterprise.name)
    names = [f.attname for f in Enterprise._meta.concrete_fields]
    rows = [{name: getattr(e, name) for name in names} for e in unique]
    bulk.update(Enterprise, rows, [*IMPORT_FIELDS, "name", "name_key", "note"])
    bulk.insert_history(Enterprise, rows, [e.pk for e in unique], history_type="~")


EDITABLE_FIELDS = (
    "name",
    "tax_code",
    "address",
    "commune",
    "unit",
    "ownership",
    "legal_form",
    "industry",
    "note",
)


@transaction.atomic
def update_enterprise(*, enterprise: Enterprise, user, **fields) -> Enterprise:
    """Change register fields (not the workforce: that is a new survey, see record_workforce)."""
    require_edit(user, enterprise.unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_enterprise: unknown fields {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = clean(fields["name"])
        if not fields["name"]:
            raise EnterpriseError(_("Thiếu tên doanh nghiệp."))
    if "tax_code" in fields:
        fields["tax_code"] = normalise_tax_code(fields["tax_code"])
        _check_unique_tax_code(fields["tax_code"], exclude_pk=enterprise.pk)
    if "unit" in fields:
        require_edit(user, fields["unit"])
        _check_upper_level(fields["unit"])
    if "ownership" in fields and fields["ownership"] not in Ownership.values:
        raise EnterpriseError(_("Loại hình sở hữu không hợp lệ."))
    if fields.get("legal_form") and fields["legal_form"] not in LegalForm.values:
        raise EnterpriseError(_("Loại hình doanh nghiệp không hợp lệ."))
    for key in ("address", "commune", "industry", "note"):
        if key in fields:
            fields[key] = clean(fields[key])
    changed = [key for key, value in fields.items() if getattr(enterprise, key) != value]
    if not changed:
        return enterprise  # nothing to write, no empty entry in the history
    for key in changed:
        setattr(enterprise, key, fields[key])
    enterprise.save()
    if "unit" in changed:
        FoundingCase.objects.filter(enterprise=enterprise).update(unit=fields["unit"])
    return enterprise


# Far above any enterprise or group in the province, far below the database column's limit.
MAX_COUNT = 1_000_000


def _check_count(value, label) -> None:
    if value is not None and value > MAX_COUNT:
        raise EnterpriseError(
            _("%(label)s %(v)s quá lớn (tối đa %(max)s).")
            % {"label": label, "v": value, "max": f"{MAX_COUNT:,}".replace(",", ".")}
        )


# Labels translated only when a message needs them (an import checks thousands of rows).
WORKERS_LABEL = gettext_lazy("Số lao động")
SURVEY_DATE_LABEL = gettext_lazy("Ngày khảo sát")


def _check_workforce(workers, surveyed_on, today: datetime.date | None = None) -> None:
    if workers is None or workers < 0:
        raise EnterpriseError(_("Số lao động phải là số nguyên không âm."))
    _check_count(workers, WORKERS_LABEL)
    _check_not_future(surveyed_on, SURVEY_DATE_LABEL, today)


@transaction.atomic
def record_workforce(
    *, enterprise: Enterprise, workers: int, surveyed_on: datetime.date, user, source: str = ""
) -> WorkforceSurvey | None:
    """Add a survey (never overwrite). The same figure on the same date again adds nothing."""
    require_edit(user, enterprise.unit)
    _check_workforce(workers, surveyed_on)
    if WorkforceSurvey.objects.filter(
        enterprise=enterprise, surveyed_on=surveyed_on, workers=workers
    ).exists():
        return None
    survey = WorkforceSurvey.objects.create(
        enterprise=enterprise,
        surveyed_on=surveyed_on,
        workers=workers,
        source=clean(source)[:255],
        recorded_by=recorded_user(user),
    )
    latest = enterprise.surveys.order_by("-surveyed_on", "-id").first()
    enterprise.workers = latest.workers
    enterprise.workers_surveyed_on = latest.surveyed_on
    enterprise.save(update_fields=["workers", "workers_surveyed_on"])
    return survey


def workers_on(enterprise: Enterprise, day: datetime.date) -> int | None:
    """The workforce by the latest survey on or before day (else the earliest one known)."""
    survey = enterprise.surveys.filter(surveyed_on__lte=day).order_by("-surveyed_on", "-id").first()
    if survey is None:
        survey = enterprise.surveys.order_by("surveyed_on", "id").first()
    return survey.workers if survey else None


@transaction.atomic
def link_union(*, enterprise: Enterprise, union: Unit | None, user) -> Enterprise:
    """Mark an enterprise as covered by an existing grassroots union (or clear it with None)."""
    require_edit(user, enterprise.unit)
    if union is not None:
        if union.kind not in UnitKind.grassroots_level():
            raise EnterpriseError(_("“%(u)s” không phải công đoàn cơ sở.") % {"u": union})
    enterprise.grassroots_union = union
    enterprise.save(update_fields=["grassroots_union"])
    return enterprise


@transaction.atomic
def create_informal_group(
    *, trade: str, place: str, workers: int, unit: Unit, user, commune: str = "", note: str = ""
) -> InformalGroup:
    require_edit(user, unit)
    trade, place = clean(trade), clean(place)
    if not trade:
        raise EnterpriseError(_("Thiếu ngành nghề của nhóm."))
    if not place:
        raise EnterpriseError(_("Thiếu địa bàn của nhóm."))
    if workers is None or workers < 1:
        raise EnterpriseError(_("Số người lao động phải từ 1 trở lên."))
    _check_count(workers, _("Số người lao động"))
    _check_upper_level(unit)
    group = InformalGroup.objects.create(
        trade=trade,
        place=place,
        commune=clean(commune),
        workers=workers,
        unit=unit,
        note=clean(note),
        created_by=recorded_user(user),
    )
    start_case(informal_group=group, identified_on=timezone.localdate(), user=user)
    return group


# --- The founding pipeline ------------------------------------------------------------------


@transaction.atomic
def start_case(
    *, identified_on: datetime.date, user, enterprise=None, informal_group=None
) -> FoundingCase | None:
    """Open the founding case of a subject without a union (at most one per subject)."""
    subject = enterprise or informal_group
    require_edit(user, subject.unit)
    if subject.has_union:
        return None
    existing = FoundingCase.objects.filter(
        enterprise=enterprise, informal_group=informal_group
    ).first()
    if existing:
        return existing
    return FoundingCase.objects.create(
        enterprise=enterprise,
        informal_group=informal_group,
        unit=subject.unit,
        identified_on=min(identified_on, timezone.localdate()),
        identified_by=recorded_user(user),
        identified_at=timezone.now(),
    )


def _locked(case: FoundingCase) -> FoundingCase:
    return FoundingCase.objects.select_for_update().get(pk=case.pk)


def _require_stage(case: FoundingCase, stage: int) -> None:
    if case.stage != stage:
        raise EnterpriseError(
            _("Hồ sơ đang ở bước “%(now)s”; bước này cần hồ sơ ở bước “%(need)s”.")
            % {"now": case.get_stage_display(), "need": Stage(stage).label}
        )


def _check_order(day: datetime.date, after: datetime.date, label: str, after_label: str) -> None:
    _check_not_future(day, label)
    if after and day < after:
        raise EnterpriseError(
            _("%(label)s %(date)s trước %(after_label)s %(after)s.")
            % {"label": label, "date": _d(day), "after_label": after_label, "after": _d(after)}
        )


@transaction.atomic
def record_committee(
    *, case: FoundingCase, formed_on: datetime.date, members: list[dict], user
) -> FoundingCase:
    """Step 2: the mobilisation committee (at least rules.MIN_COMMITTEE_MEMBERS workers)."""
    case = _locked(case)
    require_edit(user, case.unit)
    _require_stage(case, Stage.IDENTIFIED)
    people = [
        {"full_name": clean(m.get("full_name")), "position": clean(m.get("position"))}
        for m in members
    ]
    people = [p for p in people if p["full_name"]]
    if len(people) < rules.MIN_COMMITTEE_MEMBERS:
        raise EnterpriseError(
            _("Ban vận động mới có %(have)s người; cần ít nhất %(n)s — %(rule)s")
            % {
                "have": len(people),
                "n": rules.MIN_COMMITTEE_MEMBERS,
                "rule": rules.committee_rule(),
            }
        )
    _check_order(
        formed_on, case.identified_on, _("Ngày thành lập Ban vận động"), _("ngày xác định")
    )
    CommitteeMember.objects.bulk_create(CommitteeMember(case=case, **p) for p in people)
    case.committee_formed_on = formed_on
    case.committee_by = recorded_user(user)
    case.committee_at = timezone.now()
    case.stage = Stage.COMMITTEE
    case.save()
    return case


@transaction.atomic
def record_conference(
    *, case: FoundingCase, kind: str, held_on: datetime.date, applications: int, user
) -> FoundingCase:
    """Step 3: founding congress or launch, with at least rules.MIN_FOUNDING_MEMBERS applications."""
    case = _locked(case)
    require_edit(user, case.unit)
    _require_stage(case, Stage.COMMITTEE)
    if kind not in ConferenceKind.values:
        raise EnterpriseError(_("Chọn hình thức: đại hội thành lập hoặc lễ ra mắt."))
    if applications is None or applications < rules.MIN_FOUNDING_MEMBERS:
        raise EnterpriseError(
            _("Mới có %(have)s đơn xin gia nhập; cần ít nhất %(n)s — %(rule)s")
            % {
                "have": applications or 0,
                "n": rules.MIN_FOUNDING_MEMBERS,
                "rule": rules.founding_rule(),
            }
        )
    _check_count(applications, _("Số đơn xin gia nhập"))
    subject = case.subject
    if subject.workers and applications > subject.workers and case.enterprise_id:
        raise EnterpriseError(
            _("Số đơn (%(a)s) lớn hơn số lao động của doanh nghiệp (%(w)s).")
            % {"a": applications, "w": subject.workers}
        )
    _check_order(
        held_on,
        case.committee_formed_on,
        _("Ngày đại hội/lễ ra mắt"),
        _("ngày thành lập Ban vận động"),
    )
    case.conference_kind = kind
    case.conference_on = held_on
    case.applications = applications
    case.conference_by = recorded_user(user)
    case.conference_at = timezone.now()
    case.stage = Stage.CONFERENCE
    case.save()
    return case


def founding_sector(case: FoundingCase, day: datetime.date) -> tuple[str, str, int | None]:
    """(unit kind, sector, workers at founding): informal for a nghiệp đoàn, otherwise DN <25
    or ≥25 by the enterprise's workforce at the founding date."""
    if case.is_informal:
        return UnitKind.INFORMAL, Sector.INFORMAL, case.informal_group.workers
    workers = workers_on(case.enterprise, day)
    if workers is None:
        raise EnterpriseError(
            _("Chưa có số lao động của “%(e)s”: nhập kết quả khảo sát trước khi ra quyết định.")
            % {"e": case.enterprise}
        )
    large = workers >= settings.LARGE_ENTERPRISE_MIN_WORKERS
    return (
        UnitKind.GRASSROOTS,
        (Sector.ENTERPRISE_LARGE if large else Sector.ENTERPRISE_SMALL),
        workers,
    )


def default_union_name(case: FoundingCase) -> str:
    if case.is_informal:
        group = case.informal_group
        return f"Nghiệp đoàn {group.trade} {group.place}"
    return f"Công đoàn cơ sở {case.enterprise.name}"


@transaction.atomic
def record_decision(
    *,
    case: FoundingCase,
    number: str,
    decided_on: datetime.date,
    signer: str,
    user,
    founding_members: list[dict],
    decision_file=None,
    union_name: str = "",
) -> Unit:
    """Step 4: the upper-level union's decision recognising the CĐCS, its members and committee.

    Creates the grassroots union under the case's unit through
    ``progress.services.found_grassroots_union`` (so the new-CĐCS and member figures count it,
    in the right sector, with no second entry) and links it to the enterprise or group.
    """
    from progress.services import ProgressError, found_grassroots_union

    case = _locked(case)
    require_edit(user, case.unit)
    _require_stage(case, Stage.CONFERENCE)
    number, signer = clean(number), clean(signer)
    if not number:
        raise EnterpriseError(_("Thiếu số quyết định."))
    if not signer:
        raise EnterpriseError(_("Thiếu người ký quyết định."))
    _check_order(decided_on, case.conference_on, _("Ngày quyết định"), _("ngày đại hội/lễ ra mắt"))
    members = [m for m in founding_members if clean(m.get("full_name"))]
    if len(members) < rules.MIN_FOUNDING_MEMBERS:
        raise EnterpriseError(
            _("Danh sách đoàn viên khi thành lập có %(have)s người; cần ít nhất %(n)s — %(rule)s")
            % {"have": len(members), "n": rules.MIN_FOUNDING_MEMBERS, "rule": rules.founding_rule()}
        )
    if decision_file:
        check_decision_file(decision_file)
    kind, sector, workers = founding_sector(case, decided_on)
    name = clean(union_name) or default_union_name(case)
    try:
        union = found_grassroots_union(
            name=name,
            parent=case.unit,
            founded_on=decided_on,
            sector=sector,
            user=user,
            kind=kind,
            founding_members=members,
            enterprise_id=case.enterprise_id,
        )
    except ProgressError as exc:
        raise EnterpriseError(exc.messages) from exc
    case.decision_number = number
    case.decision_on = decided_on
    case.decision_signer = signer
    case.union_name = name
    case.workers_at_founding = workers
    case.founding_member_count = len(members)
    case.decision_by = recorded_user(user)
    case.decision_at = timezone.now()
    case.stage = Stage.DECISION
    case.save()
    if decision_file:
        case.decision_file.save(decision_file.name, decision_file, save=True)
    subject = case.subject
    subject.grassroots_union = union
    subject.save(update_fields=["grassroots_union"])
    return union


@transaction.atomic
def record_ceremony(*, case: FoundingCase, held_on: datetime.date, user) -> FoundingCase:
    """Step 5: the ceremony announcing the decision."""
    case = _locked(case)
    require_edit(user, case.unit)
    _require_stage(case, Stage.DECISION)
    _check_order(held_on, case.decision_on, _("Ngày lễ công bố"), _("ngày quyết định"))
    case.ceremony_on = held_on
    case.ceremony_by = recorded_user(user)
    case.ceremony_at = timezone.now()
    case.stage = Stage.CEREMONY
    case.save()
    return case
