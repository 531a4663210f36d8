"""The panels each app contributes, one module per app; importing registers them."""

from metrohub.dashboards.providers import (  # noqa: F401
    alliances,
    cases,
    catalogue,
    centers,
    certificates,
    enquiries,
    panels,
    sharing,
    trends,
)
