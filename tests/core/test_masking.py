import datetime

from core.masking import mask_cccd, mask_date


def test_mask_cccd_keeps_last_four():
    assert mask_cccd("012345678901") == "••••••••8901"
    assert mask_cccd("") == "" and mask_cccd(None) == ""
    assert "0123" not in mask_cccd("012345678901")
    assert mask_cccd("123") == "•••"


def test_mask_date_keeps_year_only():
    assert mask_date(datetime.date(1990, 5, 17)) == "••/••/1990"
    assert mask_date("17/05/1990") == "••/••/1990"
    assert mask_date(None) == ""
    assert "17" not in mask_date(datetime.date(1990, 5, 17))
