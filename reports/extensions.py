"""Sections other apps add to the official report, without reports importing those apps.

An app registers a provider in its ``AppConfig.ready``::

    from reports.extensions import register_section
    register_section(my_section)

A provider is called as ``provider(deadline, unit, consolidated=bool)`` and returns a
``reports.document.Section`` (its ``number`` is assigned here) or None to add nothing. The
sections come before the report's own four (the Decree 30 reports of the federation open with
how the work was organised, then the results); the figures table stays under "Kết quả đạt
được" wherever that lands. Providers run in registration order.
"""

from __future__ import annotations

PROVIDERS: list = []


def register_section(provider):
    """Add provider once (a second ``ready()`` does not add it twice); usable as a decorator."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def extra_sections(deadline, unit, *, consolidated: bool) -> list:
    found = []
    for provider in PROVIDERS:
        section = provider(deadline, unit, consolidated=consolidated)
        if section is not None:
            found.append(section)
    return found
