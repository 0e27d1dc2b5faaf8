from core.masking import mask_cccd


def test_mask_cccd_keeps_last_four():
    assert mask_cccd("012345678901") == "••••••••8901"
    assert mask_cccd("") == "" and mask_cccd(None) == ""
    assert "0123" not in mask_cccd("012345678901")
    assert mask_cccd("123") == "•••"
