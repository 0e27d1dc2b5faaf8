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
