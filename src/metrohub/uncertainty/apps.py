from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UncertaintyConfig(AppConfig):
    """The Django face of the engine (page, API, task, command); the engine needs no Django."""

    name = "metrohub.uncertainty"
    label = "uncertainty"
    verbose_name = _("Measurement uncertainty")

    def ready(self) -> None:
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Uncertainty calculator"), "uncertainty:calculator"))
