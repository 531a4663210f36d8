from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "metrohub.traceability"
    label = "traceability"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from metrohub.core.navigation import NavItem, register

        register(
            NavItem(_("Traceability incidents"), "traceability:incidents", "traceability.view")
        )
