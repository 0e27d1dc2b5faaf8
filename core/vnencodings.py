"""Repair Vietnamese text typed in the old TCVN3 (ABC, .VnTime) and VNI-Windows encodings.

Excel files from the 1990s–2000s keep such text as the font's byte values shown as Windows-1252
(Latin-1) characters: "C«ng ty Cæ phÇn" (TCVN3) or "Coâng ty Coå phaàn" (VNI) for
"Công ty Cổ phần". ``repair`` detects either and returns NFC Unicode; Unicode text (NFC or NFD)
comes back as NFC, unchanged otherwise.

How detection works (per text, optionally helped by a hint found on the whole sheet):
- Text holding any Vietnamese letter above U+00FF (ă, đ, ơ, ư, ạ…) is Unicode already.
- TCVN3 uses byte values 0xA1–0xBE (¡ ¢ … ¨ © ª « ¬ ­ ® µ ¶ · ¸ ¹ » ¼ ½ ¾) for its most frequent
  letters (â ê ô ơ ư đ à á ã ạ ả …); VNI never uses that range, so any of them inside a word is
  TCVN3 evidence.
- VNI writes a base vowel followed by a mark character ("aø" = à, "eä" = ệ, "oâ" = ô) and uses
  ñ/Ñ for đ/Đ, ö/Ö for ư/Ư, ô/Ô for ơ/Ơ; such sequences are VNI evidence.
- Text made only of letters that are also valid Unicode Vietnamese ("Hoà Bình") is left alone
  unless a hint says the sheet is in a legacy encoding.
"""

import re
import unicodedata
from collections import Counter

TCVN3 = "tcvn3"
VNI = "vni"

# --- TCVN3 (ABC) -------------------------------------------------------------------------------
# Byte value → letter. The ABC fonts have precomposed capitals only for Ă Â Ê Ô Ơ Ư Đ; other
# capitals were typed with the ".VnTimeH" capital font, which reuses the lower-case codes (see
# ``_restore_capitals``).
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
TCVN3_TABLE = {chr(code): letter for code, letter in _TCVN3_BYTES.items()}
# Codes VNI never uses: their presence inside a word means TCVN3.
_TCVN3_ONLY = {chr(c) for c in range(0xA1, 0xBF) if c in _TCVN3_BYTES}

# --- VNI-Windows ------------------------------------------------------------------------------
# A letter is a base letter followed by at most one mark character. Marks for lower-case bases
# are lower-case characters, for capitals the capital forms.
_TONES = {
    "grave": "\u0300",
    "acute": "\u0301",
    "hook": "\u0309",
    "tilde": "\u0303",
    "dot": "\u0323",
}
_VNI_TONE_MARKS = {"ø": "grave", "ù": "acute", "û": "hook", "õ": "tilde", "ï": "dot"}
_VNI_CIRCUMFLEX_MARKS = {
    "â": None,
    "à": "grave",
    "á": "acute",
    "å": "hook",
    "ã": "tilde",
    "ä": "dot",
}
_VNI_BREVE_MARKS = {"ê": None, "è": "grave", "é": "acute", "ú": "hook", "ü": "tilde", "ë": "dot"}
# Letters VNI writes as one character of its own.
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "ì": "ì", "Ì": "Ì", "í": "í", "Í": "Í", "æ": "ỉ", "Æ": "Ỉ",
    "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _build_vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(base, mark_char, letter):
        table[base + mark_char] = letter
        if base.isalpha():
            # Capital bases with capital marks (typed with Caps Lock or a capital font), and
            # capital bases with lower-case marks (mixed typing); both occur in old files.
            table[base.upper() + mark_char.upper()] = letter.upper()
            table[base.upper() + mark_char] = letter.upper()

    for mark_char, tone in _VNI_TONE_MARKS.items():
        for base in "aeouy":
            add(base, mark_char, _compose(base, _TONES[tone]))
        for vni_char, base_letter in (("ô", "ơ"), ("ö", "ư")):
            letter = _compose(base_letter, _TONES[tone])
            table[vni_char + mark_char] = letter
            table[vni_char.upper() + mark_char.upper()] = letter.upper()
            table[vni_char.upper() + mark_char] = letter.upper()
    for mark_char, tone in _VNI_CIRCUMFLEX_MARKS.items():
        for base in "aeo":
            add(base, mark_char, _compose(base, "\u0302", *([_TONES[tone]] if tone else [])))
    for mark_char, tone in _VNI_BREVE_MARKS.items():
        add("a", mark_char, _compose("a", "\u0306", *([_TONES[tone]] if tone else [])))
    # The capital ỳ/ý/ỷ/ỹ are in the loops above; ỵ is a single character (î).
    return table


VNI_TABLE = {**_VNI_SINGLE, **_build_vni_table()}
# Two-character sequences first, so "oâ" (ô) wins over a lone "ô" (ơ); one pass, so a letter
# produced by a pair is never read again.
_VNI_PAIRS = re.compile("|".join(re.escape(k) for k in VNI_TABLE if len(k) == 2))
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TABLE, key=len, reverse=True)))
_VNI_DISTINCTIVE = set("ñÑöÖôÔæÆîÎòÒóÓ")

# Vietnamese letters that exist in Latin-1; text made only of these and ASCII is ambiguous.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_WORD = re.compile(r"\S+")


def _is_unicode_vietnamese(char: str) -> bool:
    code = ord(char)
    return 0x0102 <= code <= 0x01B0 or 0x1EA0 <= code <= 0x1EF9 or 0x0300 <= code <= 0x0323


# The same tests over a whole text at C speed (an import checks every cell of a sheet).
_UNICODE_VIETNAMESE = re.compile("[\u0102-\u01b0\u1ea0-\u1ef9\u0300-\u0323]")
_BEYOND_LATIN1 = re.compile("[^\x00-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2026]")
_ABOVE_LATIN1 = re.compile("[^\x00-\xff]")


def _has_unicode_vietnamese(text: str) -> bool:
    return _UNICODE_VIETNAMESE.search(text) is not None


# A lower-case letter followed by a Latin-1 capital inside a word ("ViÖt", "TiÕn", "phÇn") is
# how TCVN3 lower-case letters look; Unicode words and VNI (capital marks follow capitals) don't.
_LOWER_THEN_CAPITAL = re.compile(r"[a-z\u00df-\u00ff][\u00c0-\u00de]")


def _tcvn3_evidence(text: str) -> int:
    score = len(_LOWER_THEN_CAPITAL.findall(text))
    for word in _WORD.findall(text):
        if any(c.isascii() and c.isalpha() for c in word) or len(word) > 1:
            score += sum(1 for c in word if c in _TCVN3_ONLY)
    return score


def _vni_evidence(text: str) -> int:
    pairs = len(_VNI_PAIRS.findall(text))
    singles = sum(1 for c in text if c in _VNI_DISTINCTIVE)
    return pairs + singles


def _non_vietnamese_chars(text: str) -> int:
    """Characters in U+0080–U+00FF that no Unicode Vietnamese word contains."""
    return sum(1 for c in text if 0x80 <= ord(c) <= 0xFF and c not in _VIETNAMESE_LATIN1)


# VNI pairs that could also be Unicode Vietnamese written with the old tone placement
# ("hoà", "hoá", "xoã"); every other pair ("oâ", "eá", "aù") never occurs in Unicode words.
_AMBIGUOUS_VNI_PAIRS = {"oà", "oá", "oã", "Oà", "Oá", "Oã", "OÀ", "OÁ", "OÃ"}


def _strong_vni_pairs(text: str) -> int:
    return sum(1 for pair in _VNI_PAIRS.findall(text) if pair not in _AMBIGUOUS_VNI_PAIRS)


def _leftovers(decoded: str) -> int:
    """How un-Vietnamese a decoding still looks: stray Latin-1 symbols, odd capitals."""
    return _non_vietnamese_chars(decoded) + len(_LOWER_THEN_CAPITAL.findall(decoded))


def detect(text: str) -> str | None:
    """TCVN3, VNI or None (Unicode or plain ASCII) for one piece of text."""
    if not text or text.isascii():
        return None
    if _has_unicode_vietnamese(text):
        return None
    if _BEYOND_LATIN1.search(text):
        return None
    if _leftovers(text) == 0 and not _strong_vni_pairs(text):
        return None  # e.g. "Hoà Bình": valid as it is
    tcvn3, vni = _tcvn3_evidence(text), _vni_evidence(text)
    if tcvn3 == 0 and vni == 0:
        return None
    if vni == 0:
        return TCVN3
    if tcvn3 == 0:
        return VNI
    return TCVN3 if _leftovers(from_tcvn3(text)) <= _leftovers(from_vni(text)) else VNI


def detect_many(texts) -> str | None:
    """The legacy encoding of a whole sheet, if legacy text outnumbers Unicode Vietnamese text.

    Used as a hint for cells too short to tell on their own; a Unicode sheet with one pasted
    legacy cell gets no hint, so its Latin-1-only Unicode names ("Công ty Sai Mã") stay as they are.
    """
    votes = {TCVN3: 0, VNI: 0, None: 0}
    # A list repeats most of its texts (genders, places, dates): each distinct one looked at once.
    for text, times in Counter(t for t in texts if isinstance(t, str)).items():
        text = unicodedata.normalize("NFC", text)
        found = detect(text)
        if found:
            votes[found] += times
        elif _has_unicode_vietnamese(text):
            votes[None] += times
    best = TCVN3 if votes[TCVN3] >= votes[VNI] else VNI
    return best if votes[best] > votes[None] else None


def _all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _restore_capitals(original: str, decoded: str) -> str:
    """Text typed in the capital font (".VnTimeH": "C«NG TY") reads back in capitals.

    The capital font reuses the lower-case codes, so a text (or a word of two or more letters)
    whose plain letters are all capitals is taken to be in capitals.
    """
    if _all_capitals(original):
        return decoded.upper()
    out = []
    for orig_word, word in zip(original.split(" "), decoded.split(" "), strict=True):
        out.append(word.upper() if _all_capitals(orig_word) else word)
    return " ".join(out)


def from_tcvn3(text: str) -> str:
    decoded = "".join(TCVN3_TABLE.get(c, c) for c in text)
    return unicodedata.normalize("NFC", _restore_capitals(text, decoded))


def from_vni(text: str) -> str:
    decoded = _VNI_PATTERN.sub(lambda m: VNI_TABLE[m.group(0)], text)
    return unicodedata.normalize("NFC", decoded)


def repair(text, hint: str | None = None) -> str:
    """NFC Unicode for text in Unicode (NFC/NFD), TCVN3 or VNI.

    ``hint`` (from ``detect_many`` over the whole sheet) decides text whose own evidence is
    ambiguous, such as a short name made of letters that Latin-1 also has.
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    encoding = detect(text)
    if encoding is None and hint and not text.isascii():
        if not _has_unicode_vietnamese(text) and not _ABOVE_LATIN1.search(text):
            encoding = hint
    if encoding == TCVN3:
        return from_tcvn3(text)
    if encoding == VNI:
        return from_vni(text)
    return text


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as Latin-1 characters (for tests and sample files); capitals lose tone."""
    reverse = {letter: code for code, letter in TCVN3_TABLE.items()}
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in reverse:
            out.append(reverse[char])
        elif char.lower() in reverse and char != char.lower():
            out.append(reverse[char.lower()])  # what the .VnTimeH capital font stores
        else:
            out.append(char)
    return "".join(out)


def to_vni(text: str) -> str:
    """Unicode → VNI-Windows as Latin-1 characters (for tests and sample files)."""
    reverse: dict[str, str] = {}
    for key, letter in VNI_TABLE.items():
        if key == letter:
            continue
        current = reverse.get(letter)
        # Prefer capital marks for capitals; otherwise the first (lower-case) form.
        if current is None or (letter.isupper() and key.isupper() and not current.isupper()):
            reverse[letter] = key
    return "".join(reverse.get(c, c) for c in unicodedata.normalize("NFC", text))
