"""TCVN3 (ABC, .VnTime), VNI-Windows and NFD text is repaired to NFC Unicode."""

import unicodedata

import pytest

from core.vnencodings import TCVN3, VNI, detect, detect_many, repair, to_tcvn3, to_vni

NAMES = [
    "Công ty Cổ phần Sâm Pu Si Lung",
    "Công ty Cổ phần Thủy điện Nậm Sí Lùng",
    "Công ty Cổ phần Sông Đà 705",
    "Công ty TNHH Xây dựng và thương mại Đông Hưng Lai Châu",
    "Công ty Cổ phần Xi măng NORCEM Yên Bình tại Lai Châu",
    "Công ty Cổ phần Liên Việt Lai Châu",
    "Công ty TNHH MTV Phương Nam Lai Châu",
    "LĐLĐ huyện Mường Tè",
    "Nguyễn Thị Hường",
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Sản xuất vật liệu xây dựng",
]


def test_tcvn3_bytes_as_cp1252_text():
    # What Excel shows for a .VnTime cell: the font's bytes read as Windows-1252.
    raw = "C«ng ty Cæ phÇn S©m Pu Si Lung".encode("cp1252").decode("cp1252")
    assert detect(raw) == TCVN3
    assert repair(raw) == "Công ty Cổ phần Sâm Pu Si Lung"
    assert (
        repair("C«ng ty Cæ phÇn Thñy ®iÖn NËm SÝ Lïng") == "Công ty Cổ phần Thủy điện Nậm Sí Lùng"
    )
    assert repair("L§L§ huyÖn M\xadêng TÌ") == "LĐLĐ huyện Mường Tè"


def test_vni_bytes_as_cp1252_text():
    raw = "Coâng ty Coå phaàn Saâm Pu Si Lung"
    assert detect(raw) == VNI
    assert repair(raw) == "Công ty Cổ phần Sâm Pu Si Lung"
    assert repair("LÑLÑ huyeän Möôøng Teø") == "LĐLĐ huyện Mường Tè"
    assert repair("Nguyeãn Thò Höôøng") == "Nguyễn Thị Hường"


def test_capital_font_tcvn3_reads_back_in_capitals():
    assert repair("C«NG TY TNHH Sè 10 LAI CH¢U") == "CÔNG TY TNHH SỐ 10 LAI CHÂU"


def test_vni_capitals():
    assert repair("COÂNG TY TNHH SOÁ 10 LAI CHAÂU") == "CÔNG TY TNHH SỐ 10 LAI CHÂU"


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_every_form(name):
    assert repair(to_tcvn3(name)) == name
    assert repair(to_vni(name)) == name
    assert repair(unicodedata.normalize("NFD", name)) == name
    assert repair(name) == name


@pytest.mark.parametrize("text", ["Hoà Bình", "Bò", "Cafe", "NORCEM", "", "Xuân", "Huế", "1.200"])
def test_unicode_and_ascii_left_alone(text):
    assert repair(text) == text
    assert detect(text) is None


def test_nfd_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Mường Tè")
    assert nfd != "Mường Tè"
    assert repair(nfd) == "Mường Tè"
    assert unicodedata.is_normalized("NFC", repair(nfd))


def test_sheet_hint_decides_ambiguous_cells():
    # "Thò" alone could be Unicode; on a VNI sheet it is "Thị".
    cells = ["Coâng ty Coå phaàn", "Thò", "Nguyeãn Vaên Ba"]
    assert detect_many(cells) == VNI
    assert repair("Thò") == "Thò"
    assert repair("Thò", hint=VNI) == "Thị"


def test_no_hint_on_a_unicode_sheet_with_one_legacy_cell():
    cells = ["Công ty Sai Mã", "Công ty Số Lạ", "Mường Tè", "C«ng ty Míi"]
    assert detect_many(cells) is None
    assert repair("Công ty Sai Mã", hint=detect_many(cells)) == "Công ty Sai Mã"
    assert repair("C«ng ty Míi") == "Công ty Mới"
