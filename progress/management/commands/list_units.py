"""python manage.py list_units [--under "UNIT NAME"] [--date dd/mm/yyyy]: the tree as of a date."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organisation.models import Unit
from organisation.selectors import find_unit_by_name, paths_on


class Command(BaseCommand):
    help = "In cây đơn vị: tên, loại, đơn vị cấp trên."

    def add_arguments(self, parser):
        parser.add_argument("--under", help="chỉ in cây dưới đơn vị này")
        parser.add_argument("--date", help="cây tại ngày dd/mm/yyyy (mặc định hôm nay)")

    def handle(self, *args, **options):
        on_date = timezone.localdate()
        if options["date"]:
            try:
                on_date = datetime.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(f"Ngày “{options['date']}” không đúng dạng dd/mm/yyyy.") from exc
        paths = paths_on(on_date)
        parent_of = dict(paths.filter(depth=1).values_list("descendant_id", "ancestor_id"))
        if options["under"]:
            root = find_unit_by_name(options["under"])
            if root is None:
                raise CommandError(f"Không tìm thấy đơn vị “{options['under']}”.")
            ids = set(paths.filter(ancestor=root).values_list("descendant_id", flat=True))
            if not ids:
                raise CommandError(f"“{root}” không tồn tại vào ngày {on_date:%d/%m/%Y}.")
            roots = [root.pk]
        else:
            ids = set(paths.filter(depth=0).values_list("descendant_id", flat=True))
            roots = [i for i in ids if i not in parent_of]
        units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        children: dict[int, list[Unit]] = {}
        for pk, unit in units.items():
            if pk in parent_of and parent_of[pk] in units:
                children.setdefault(parent_of[pk], []).append(unit)
        order = lambda u: (u.sort_order, u.name)  # noqa: E731

        def show(unit, depth):
            parent = units.get(parent_of.get(unit.pk)) or (
                Unit.objects.filter(pk=parent_of.get(unit.pk)).first()
            )
            self.stdout.write(
                f"{'  ' * depth}{unit.name} | {unit.get_kind_display()} | "
                f"{parent.name if parent else '—'}"
            )
            for child in sorted(children.get(unit.pk, []), key=order):
                show(child, depth + 1)

        for root_id in sorted(roots, key=lambda pk: order(units[pk])):
            show(units[root_id], 0)
