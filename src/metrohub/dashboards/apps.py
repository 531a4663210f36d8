from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "metrohub.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Each provider module registers its panels; an app added later registers its own from
        # its AppConfig.ready() (an annual report's figures, inspections) without touching these.
        from metrohub.core.navigation import NavItem, register
        from metrohub.dashboards import providers  # noqa: F401

        register(NavItem(_("Statistics"), "dashboards:statistics"))
