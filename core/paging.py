"""Paging for long lists: 50 rows a page, "X–Y trong N", the filters kept in the links.

    page = paginate(request, queryset)          # a django.core.paginator.Page
    {% include "includes/pager.html" with page=page %}

Every row stays reachable (no silent cap): the page number comes from ``?page=``; a number past
the end shows the last page, anything else the first.
"""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
