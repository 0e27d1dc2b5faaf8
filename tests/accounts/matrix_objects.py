"""Objects of unit A (LĐLĐ huyện Mường Tè) for the permission matrix, built on first use.

Add a property here when a new URL needs a new kind of object; the matrix entry then says
``args=lambda o: [o.your_object.pk]``.
"""

import datetime
from functools import cached_property

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, Unit, UnitKind, UnitPath
from organisation.services import create_unit
from plans.demo import PEAK_CODE
from plans.models import Period, Target
from tests.actors import SYSTEM
from tests.conftest import PASSWORD


class UnitAObjects:
    def __init__(self, unit_a: Unit, unit_b: Unit, admin):
        self.unit_a = unit_a
        self.unit_b = unit_b
        self.admin = admin

    # organisation ---------------------------------------------------------------------------
    @cached_property
    def grassroots_a(self) -> Unit:
        """A grassroots union under unit A (the demo's, or one made for the test)."""
        below = UnitPath.objects.filter(ancestor=self.unit_a, depth__gt=0).values("descendant_id")
        found = (
            Unit.objects.filter(id__in=below, kind__in=UnitKind.grassroots_level())
            .order_by("id")
            .first()
        )
        return found or create_unit(
            name="CĐCS Ma trận quyền Mường Tè",
            kind=UnitKind.GRASSROOTS,
            parent=self.unit_a,
            sector=Sector.ENTERPRISE_LARGE,
            user=SYSTEM,
        )

    @cached_property
    def grassroots_b(self) -> Unit:
        """A grassroots union under unit B (a transfer's destination)."""
        below = UnitPath.objects.filter(ancestor=self.unit_b, depth__gt=0).values("descendant_id")
        return Unit.objects.filter(id__in=below, kind=UnitKind.GRASSROOTS).order_by("id").first()

    # accounts -------------------------------------------------------------------------------
    @cached_property
    def grassroots_officer(self):
        return create_user(
            username="t.cdcs.matrix",
            password=PASSWORD,
            role=Role.GRASSROOTS_OFFICER,
            unit=self.grassroots_a,
            validate=False,
        )

    @cached_property
    def api_token(self):
        """An API token of the grassroots officer below A (api.services)."""
        from api.services import create_token

        return create_token(owner=self.grassroots_officer, name="Ma trận", user=SYSTEM)[0]

    # plans ----------------------------------------------------------------------------------
    @cached_property
    def period(self) -> Period:
        return Period.objects.select_related("plan").get(code=PEAK_CODE)

    @cached_property
    def plan(self):
        return self.period.plan

    @cached_property
    def target_a(self) -> Target:
        return Target.objects.filter(period=self.period, unit=self.unit_a).order_by("id").first()

    @cached_property
    def indicator(self):
        return self.target_a.indicator

    # progress -------------------------------------------------------------------------------
    @cached_property
    def member_a(self):
        from progress.services import admit_members

        return admit_members(
            union=self.grassroots_a,
            members=[
                {
                    "full_name": "Giàng A Ma Trận",
                    "date_of_birth": datetime.date(1990, 5, 17),
                    "gender": "male",
                    "ethnicity": "Mông",
                    "cccd": "012345678901",
                    "job": "Công nhân",
                    "admitted_on": datetime.date(2024, 7, 10),
                }
            ],
            user=self.admin,
        )[0]

    @cached_property
    def party_record_a(self):
        from progress.services import introduce_to_party

        return introduce_to_party(
            member=self.member_a, on_date=datetime.date(2024, 7, 20), user=self.admin
        )

    @cached_property
    def batch_record_a(self):
        from progress.services import record_batch

        return record_batch(
            kind="admitted",
            union=self.grassroots_a,
            on_date=datetime.date(2024, 7, 12),
            count=3,
            user=self.admin,
        )

    # enterprises ----------------------------------------------------------------------------
    @cached_property
    def enterprise_a(self):
        from enterprises.models import Enterprise

        return Enterprise.objects.filter(unit=self.unit_a).order_by("id").first()

    @cached_property
    def case_a(self):
        from enterprises.models import FoundingCase

        return FoundingCase.objects.filter(unit=self.unit_a).order_by("id").first()

    @cached_property
    def informal_a(self):
        from enterprises.models import InformalGroup
        from enterprises.services import create_informal_group

        found = InformalGroup.objects.filter(unit=self.unit_a).order_by("id").first()
        return found or create_informal_group(
            trade="Bán hàng rong",
            place="Chợ trung tâm Mường Tè",
            workers=12,
            unit=self.unit_a,
            user=self.admin,
        )

    # campaign -------------------------------------------------------------------------------
    @cached_property
    def committee_a(self):
        from campaign.services import save_committee

        return save_committee(unit=self.unit_a, user=SYSTEM)

    @cached_property
    def committee_member_a(self):
        from campaign.services import add_committee_member

        return add_committee_member(
            committee=self.committee_a, full_name="Lò Văn Ma Trận", user=SYSTEM
        )

    @cached_property
    def task_a(self):
        from campaign.models import Task

        return Task.objects.filter(plan=self.plan, unit=self.unit_a).order_by("id").first()

    @cached_property
    def unit_plan_a(self):
        from campaign.services import save_unit_plan

        return save_unit_plan(
            plan=self.plan,
            unit=self.unit_a,
            number="05/KH-MT",
            issued_on=datetime.date(2024, 6, 20),
            user=SYSTEM,
        )

    @cached_property
    def budget_norm(self):
        from campaign.services import save_budget_norm

        return save_budget_norm(
            plan=self.plan, category="founding", measure="new_union", rate=3000000, user=SYSTEM
        )

    @cached_property
    def new_union_a(self):
        """A CĐCS founded under unit A in July 2024 (milestones, trainings)."""
        from progress.services import found_grassroots_union

        return found_grassroots_union(
            name="CĐCS Ma trận thành lập 2024",
            parent=self.unit_a,
            founded_on=datetime.date(2024, 7, 20),
            sector=Sector.ENTERPRISE_SMALL,
            user=SYSTEM,
        )

    # reports --------------------------------------------------------------------------------
    @cached_property
    def deadline(self):
        from reports.models import ReportingDeadline

        return ReportingDeadline.objects.filter(plan=self.plan).order_by("id").last()

    @cached_property
    def report_a(self):
        from reports.models import Report

        found = Report.objects.filter(deadline=self.deadline, unit=self.unit_a).first()
        return found or Report.objects.create(deadline=self.deadline, unit=self.unit_a)

    def report_status(self):
        from reports.models import Report

        return Report.objects.get(pk=self.report_a.pk).status

    # emulation ------------------------------------------------------------------------------
    @cached_property
    def rule_draft(self):
        """The next draft version of the plan's emulation rule (the demo publishes version 1)."""
        from emulation.services import new_version

        return new_version(plan=self.plan, user=SYSTEM)

    @cached_property
    def proposal_a(self):
        """A collective reward proposal for unit A, as proposed."""
        from emulation.services import propose_reward

        return propose_reward(
            plan=self.plan,
            period=self.period,
            unit=self.unit_a,
            recipient_kind="collective",
            form="bang_khen",
            level="province",
            achievements="Vượt chỉ tiêu tháng cao điểm",
            user=SYSTEM,
        )
