from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "metrohub.panels"
    label = "panels"
    verbose_name = _("Expert panels")

    def ready(self) -> None:
        # What the panels contribute to the procedure engine: the conditions and effects that
        # read a panel's result (the engine imports nothing from this app).
        from metrohub.panels import procedure  # noqa: F401
