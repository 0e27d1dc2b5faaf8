"""English translation of the UI: the catalogue is complete and the language switch shows it.

The page tests need the compiled catalogue (locale/en/LC_MESSAGES/django.mo, git-ignored), which
`make setup` builds before `make test`; without it they are skipped, with the reason.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from plans.demo import PEAK_CODE, PLAN_NUMBER
from plans.models import Plan

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ESCAPE = re.compile(r"\\(.)")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%%|%[sd]|\{[a-z_]+\}")


def _unquote(line):
    """The text of one quoted .po line ("..." after the keyword)."""
    body = line[line.index('"') + 1 : line.rindex('"')]
    return ESCAPE.sub(lambda m: ESCAPES[m.group(1)], body)


def _entries(path=PO):
    """A tiny .po reader: one dict per entry with flags, msgid, msgid_plural, msgstr[...]."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current and "msgid" in current:
                entries.append(current)
            current, key = None, None
            continue
        current = current if current is not None else {"flags": set()}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += _unquote(line)
        else:
            key = line.split(" ", 1)[0]
            current[key] = _unquote(line)
    return [e for e in entries if not e.get("obsolete")]


def _translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = _entries()
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if e["msgid"] and not all(_translations(e))]
    fuzzy = [e["msgid"] or "(header)" for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_every_translation_keeps_the_placeholders_of_its_source():
    wrong = []
    for e in _entries():
        if not e["msgid"]:
            continue
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, text in enumerate(_translations(e)):
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((source, text))
    assert wrong == []


def test_the_catalogue_declares_english_with_two_plural_forms():
    header = next(e for e in _entries() if e["msgid"] == "")
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


@pytest.fixture
def compiled_catalogue():
    if not MO.exists():
        pytest.skip(
            f"{MO.relative_to(settings.BASE_DIR)} is missing: run `make setup` (compilemessages)"
        )
    if MO.stat().st_mtime < PO.stat().st_mtime:
        pytest.skip(f"{MO.name} is older than {PO.name}: run `make setup` (compilemessages)")


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    """The middleware activates a language for the thread; don't leak English into later tests."""
    yield
    translation.deactivate()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_sign_in_page_is_english_with_the_language_cookie(client, compiled_catalogue):
    html = _english(client).get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "Username" in html and "Password" in html
    assert "Đăng nhập" not in html


def test_sign_in_page_is_vietnamese_without_the_cookie(client, compiled_catalogue):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html
    assert "Sign in" not in html


def _plan_url():
    return f"/plans/{Plan.objects.get(number=PLAN_NUMBER).pk}/{PEAK_CODE}/"


def test_plan_page_is_english_for_a_province_admin(client_for, admin_user, compiled_catalogue):
    html = _english(client_for(admin_user)).get(_plan_url()).content.decode()
    for text in (
        "Allocation table",
        "Edit targets",
        "Allocation table check results",
        "Sign out",
        "Plans &amp; targets",
    ):
        assert text in html, text
    # Stored import findings and column headers are data (Vietnamese); the UI around them is English.
    for text in ("Kết quả kiểm tra biểu chỉ tiêu", "Sửa chỉ tiêu", "Đăng xuất", "Cơ quan ban hành"):
        assert text not in html, text
    assert "LĐLĐ huyện Mường Tè" in html  # unit names are data, never translated


def test_plan_page_is_vietnamese_without_the_cookie(client_for, admin_user, compiled_catalogue):
    html = client_for(admin_user).get(_plan_url()).content.decode()
    assert "Biểu giao chỉ tiêu" in html and "Đăng xuất" in html
    assert "Allocation table" not in html


def test_the_language_switch_sets_the_cookie_and_the_next_page_is_english(
    client_for, admin_user, compiled_catalogue
):
    client = client_for(admin_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plans/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/plans/").content.decode()
    assert "Member development plans" in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/plans/"})
    assert "Kế hoạch phát triển đoàn viên" in client.get("/plans/").content.decode()


VI_MO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


@pytest.mark.skipif(not VI_MO.exists(), reason="locale/vi not compiled: run `make setup`")
def test_django_messages_are_corrected_where_its_vietnamese_is_wrong():
    from django import forms

    with translation.override("vi"), pytest.raises(forms.ValidationError) as caught:
        forms.IntegerField().clean("x")
    assert caught.value.messages == ["Nhập một số nguyên."]
