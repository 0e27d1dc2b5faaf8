"""Writes on API tokens: creating one (the token is returned once) and revoking it.

A user creates and revokes their own tokens; a province administrator (or a command's system
actor) may create one for any account and revoke any.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import edits_all_units, require
from api.models import TOKEN_PREFIX, ApiToken, token_hash
from core.errors import ServiceError

MAX_TOKEN_DAYS = 3650


class TokenError(ServiceError):
    pass


def _may_manage(user, owner) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return edits_all_units(user) or getattr(user, "pk", None) == owner.pk


@transaction.atomic
def create_token(*, owner, name: str = "", expires_days: int | None = None, user):
    """A new token for owner: returns (ApiToken, raw token). The raw token is not stored."""
    require(_may_manage(user, owner))
    if not owner.is_active:
        raise TokenError(_("Tài khoản “%(u)s” đang bị khoá.") % {"u": owner.username})
    name = (name or "").strip()[:100] or _("Mã API")
    expires_at = None
    if expires_days is not None:
        if not 1 <= expires_days <= MAX_TOKEN_DAYS:
            raise TokenError(_("Số ngày hiệu lực phải từ 1 đến %(n)s.") % {"n": MAX_TOKEN_DAYS})
        expires_at = timezone.now() + datetime.timedelta(days=expires_days)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        key_hash=token_hash(raw),
        hint=raw[: len(TOKEN_PREFIX) + 4],
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, user) -> ApiToken:
    require(_may_manage(user, token.user))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
