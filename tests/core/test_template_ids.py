"""Ids in templates must not go through number localisation.

USE_THOUSAND_SEPARATOR is on (figures read 1.100), so ``{{ obj.pk }}`` renders id 1234 as
"1.234" and a form posting it back, or a link built from it, breaks once ids pass 999 — which
happens on PostgreSQL, where sequences keep counting. Ids go through ``|unlocalize`` (or
``{% url %}``, which is not localised). A bound form field (``{{ form.version }}``) renders its
widget, which is not localised either.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BARE_ID = re.compile(r"\{\{\s*(?!form\.)[\w.]*(?:\.pk|\.id|_id|\bpk|version)\s*\}\}")


def test_no_template_prints_an_id_through_number_formatting():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in BARE_ID.finditer(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert offenders == [], "Add |unlocalize to: " + "; ".join(offenders)
