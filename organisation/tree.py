"""The structure as of a date, for the tree page: a fixed number of queries for any size.

Queries: the units in the chosen subtrees (one), each unit's parent on the date (one), the
sector changes in force (one). The tree is then assembled in memory.
"""

import datetime
from dataclasses import dataclass, field

from accounts.permissions import sees_all_units
from organisation.models import BEGINNING_OF_TIME, SectorChange, Unit, UnitKind, UnitPath

KIND_ORDER = {kind: index for index, kind in enumerate(UnitKind.values)}


@dataclass
class Node:
    unit: Unit
    sector: str
    children: list["Node"] = field(default_factory=list)
    grassroots_count: int = 0  # grassroots unions in the subtree (itself excluded)
    upper_count: int = 0  # upper-level unions in the subtree

    @property
    def founded_on(self):
        return None if self.unit.founded_on == BEGINNING_OF_TIME else self.unit.founded_on

    @property
    def is_grassroots(self):
        return self.unit.kind in UnitKind.grassroots_level()

    @property
    def sector_label(self):
        from organisation.models import Sector

        return Sector(self.sector).label

    @property
    def grassroots_children(self):
        return [c for c in self.children if c.is_grassroots]

    @property
    def upper_children(self):
        return [c for c in self.children if not c.is_grassroots]


def sectors_on(unit_ids, on_date: datetime.date) -> dict[int, str]:
    """unit id -> sector in force on on_date, for units with recorded changes (one query)."""
    found: dict[int, str] = {}
    for unit_id, sector in (
        SectorChange.objects.filter(unit_id__in=unit_ids, effective_from__lte=on_date)
        .order_by("unit_id", "effective_from")
        .values_list("unit_id", "sector")
    ):
        found[unit_id] = sector  # the last one in date order wins
    return found


def build_tree(roots, on_date: datetime.date, visible=None) -> list[Node]:
    """The subtrees of roots as of on_date, restricted to the ``visible`` unit queryset."""
    root_ids = [r.pk for r in roots]
    paths = UnitPath.objects.filter(valid_from__lte=on_date, valid_to__gte=on_date)
    in_tree = paths.filter(ancestor_id__in=root_ids).values("descendant_id")
    units_qs = Unit.objects.filter(id__in=in_tree)
    if visible is not None:
        units_qs = units_qs.filter(id__in=visible.values("id"))
    units = {u.pk: u for u in units_qs}
    parent_of = dict(
        paths.filter(depth=1, descendant_id__in=list(units)).values_list(
            "descendant_id", "ancestor_id"
        )
    )
    sectors = sectors_on(list(units), on_date)
    nodes = {pk: Node(unit=u, sector=sectors.get(pk, u.sector)) for pk, u in units.items()}
    top = []
    for pk, node in nodes.items():
        parent = parent_of.get(pk)
        if parent in nodes and pk not in root_ids:
            nodes[parent].children.append(node)
        elif pk in root_ids:
            top.append(node)

    def key(node):
        return (KIND_ORDER.get(node.unit.kind, 99), node.unit.sort_order, node.unit.name)

    def finish(node):
        node.children.sort(key=key)
        for child in node.children:
            finish(child)
            node.grassroots_count += child.grassroots_count + (1 if child.is_grassroots else 0)
            node.upper_count += child.upper_count + (0 if child.is_grassroots else 1)

    top.sort(key=key)
    for node in top:
        finish(node)
    return top


def label_rows(nodes, on_date: datetime.date, detail_prefix: str, *, deep=True) -> None:
    """Give every node ready-to-print texts (url, kind, sector, dates): a tree of thousands of
    units then renders without a template lookup chain, a reverse() or a date filter per row."""
    from organisation.models import Sector

    kinds = {k.value: str(k.label) for k in UnitKind}
    sectors = {s.value: str(s.label) for s in Sector}
    query = f"?on={on_date:%d/%m/%Y}"
    stack = list(nodes)
    while stack:
        node = stack.pop()
        unit = node.unit
        node.url = f"{detail_prefix}{unit.pk}/{query}"
        node.kind_label = kinds.get(unit.kind, unit.kind)
        node.sector_text = sectors.get(node.sector, node.sector)
        node.founded_text = f"{unit.founded_on:%d/%m/%Y}" if node.founded_on else ""
        node.dissolved_text = f"{unit.dissolved_on:%d/%m/%Y}" if unit.dissolved_on else ""
        if deep:
            stack.extend(node.children)


def default_roots(user, on_date: datetime.date):
    """Province-level users start from the provinces; officers from their own unit."""
    alive = UnitPath.objects.filter(depth=0, valid_from__lte=on_date, valid_to__gte=on_date)
    if sees_all_units(user):
        return list(
            Unit.objects.filter(kind=UnitKind.PROVINCE, id__in=alive.values("descendant_id"))
        )
    if user.unit_id is None:
        return []
    return [user.unit] if alive.filter(descendant_id=user.unit_id).exists() else []
