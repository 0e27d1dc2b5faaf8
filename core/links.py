"""A URL per row of a long list without a ``reverse`` per row.

``reverse`` walks the URL resolver each time (~60 µs on the deployment machine): three links on
each of a register's 50 rows cost ~10 ms a page. ``url_pattern(name, count)`` reverses once with
placeholder ids and returns a function of the ids that fills them in: the same text as
``reverse(name, args=ids)`` for integer ids (tests/core/test_links.py).
"""

from django.urls import reverse

_MARK = 987654320  # placeholder ids: digits no real route segment is made of around them


def url_pattern(viewname: str, count: int = 1):
    marks = [str(_MARK + i) for i in range(count)]
    url = reverse(viewname, args=marks)
    parts = []
    for mark in marks:
        head, url = url.split(mark, 1)
        parts.append(head)
    tail = url

    def build(*ids: int) -> str:
        if len(ids) != count:
            raise TypeError(f"{viewname}: {count} ids expected, got {len(ids)}")
        return "".join(f"{part}{int(pk)}" for part, pk in zip(parts, ids, strict=True)) + tail

    return build
