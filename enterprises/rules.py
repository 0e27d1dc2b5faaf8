"""The conditions for founding a grassroots union, stated once with the text they come from."""

from django.utils.translation import gettext_lazy as _

# Ban vận động thành lập CĐCS: at least this many workers.
MIN_COMMITTEE_MEMBERS = 3
# Applications (đơn xin gia nhập) / founding members needed to found a CĐCS or nghiệp đoàn.
MIN_FOUNDING_MEMBERS = 5

CHARTER_SOURCE = _(
    "theo Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam (Điều lệ khóa XII, 2020; khóa XIII)"
)
INFORMAL_SOURCE = _(
    "Nghiệp đoàn cơ sở của người lao động không có quan hệ lao động: theo Luật Công đoàn số "
    "50/2024/QH15 (hiệu lực từ 01/07/2025)"
)

COMMITTEE_RULE = _("Ban vận động thành lập CĐCS có ít nhất %(n)s người lao động")
FOUNDING_RULE = _(
    "Cần ít nhất %(n)s người lao động viết đơn tự nguyện gia nhập công đoàn để tổ chức đại hội "
    "thành lập (lễ ra mắt) và ra quyết định công nhận"
)


def committee_rule() -> str:
    return f"{COMMITTEE_RULE % {'n': MIN_COMMITTEE_MEMBERS}} ({CHARTER_SOURCE})."


def founding_rule() -> str:
    return f"{FOUNDING_RULE % {'n': MIN_FOUNDING_MEMBERS}} ({CHARTER_SOURCE})."
