"""core.links.url_pattern: the same text as reverse, one reverse per page."""

import pytest
from django.urls import reverse

from core.links import url_pattern


@pytest.mark.parametrize(
    "name", ["progress:departure", "progress:transfer", "progress:party_outcome"]
)
def test_a_pattern_writes_what_reverse_writes(name):
    link = url_pattern(name)
    for pk in (1, 9, 10, 42, 987654320, 123456789012):
        assert link(pk) == reverse(name, args=[pk])


def test_the_number_of_ids_is_checked():
    with pytest.raises(TypeError):
        url_pattern("progress:departure")(1, 2)


def test_short_date_writes_what_the_date_filter_writes():
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    from core.text import short_date

    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}')
    for language in ("vi", "en"):
        with translation.override(language):
            for day in (
                datetime.date(2024, 7, 5),
                datetime.date(1900, 1, 1),
                datetime.date(5, 12, 31),
            ):
                assert short_date(day) == template.render(Context({"d": day}))
            assert short_date(None) == "" == template.render(Context({"d": None}))
