"""CCCD and date of birth: shown to province administrators and the member's own officers only."""

from django.urls import reverse

from accounts.permissions import can_see_personal_data
from tests.accounts.matrix_objects import UnitAObjects

CCCD = "012345678901"


def _members_page(client, member):
    return client.get(reverse("progress:members"), {"q": member.full_name}).content.decode()


def test_member_list_masks_cccd(
    admin_user, viewer_user, officer_a, officer_b, unit_a, unit_b, client_for
):
    objects = UnitAObjects(unit_a, unit_b, admin_user)
    member = objects.member_a
    assert member.cccd == CCCD

    assert CCCD in _members_page(client_for(admin_user), member)
    assert CCCD in _members_page(client_for(officer_a), member)

    shown_to_viewer = _members_page(client_for(viewer_user), member)
    assert member.full_name in shown_to_viewer
    assert CCCD not in shown_to_viewer and "8901" in shown_to_viewer
    assert "17/05/1990" not in shown_to_viewer

    other = _members_page(client_for(officer_b), member)
    assert CCCD not in other and "8901" not in other  # not even the member's row


def test_policy(admin_user, viewer_user, officer_a, officer_b, unit_a, unit_b):
    grassroots = UnitAObjects(unit_a, unit_b, admin_user).grassroots_a
    assert can_see_personal_data(admin_user, grassroots)
    assert can_see_personal_data(officer_a, grassroots)
    assert not can_see_personal_data(viewer_user, grassroots)
    assert not can_see_personal_data(officer_b, grassroots)
