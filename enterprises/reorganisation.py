"""What a merge does to the enterprise register (a receiver of organisation.units_merged).

The surviving unit takes over the merged unit's open work from the day after the merge: the
enterprises and informal groups it was responsible for, the founding cases still under way (not yet at the ceremony), and
(for a merged CĐCS) the enterprises and groups it covered. Founded cases keep their unit: they
are history, and the founding record already counts where it was made.
"""

from enterprises.models import Enterprise, FoundingCase, InformalGroup, Stage
from organisation.models import Unit, UnitKind


def _reassign(queryset, field: str, target: Unit) -> int:
    """Row by row, so each change is kept in the history with who and when."""
    rows = list(queryset)
    for row in rows:
        setattr(row, field, target)
        row.save(update_fields=[field])
    return len(rows)


def merged(sender, sources, target: Unit, on_date, user, **kwargs) -> int:
    moved = 0
    for source in sources:
        if target.kind in UnitKind.grassroots_level():
            if source.kind in UnitKind.grassroots_level():
                moved += _reassign(
                    Enterprise.objects.filter(grassroots_union=source), "grassroots_union", target
                )
                moved += _reassign(
                    InformalGroup.objects.filter(grassroots_union=source),
                    "grassroots_union",
                    target,
                )
            continue
        moved += _reassign(Enterprise.objects.filter(unit=source), "unit", target)
        moved += _reassign(InformalGroup.objects.filter(unit=source), "unit", target)
        moved += _reassign(
            FoundingCase.objects.filter(unit=source).exclude(stage=Stage.CEREMONY), "unit", target
        )
    return moved
