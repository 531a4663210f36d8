from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The navigation entry's label (core/navigation.py), translated in this app's catalogue.
NAV_LABEL = _("Capabilities")


class CatalogueConfig(AppConfig):
    name = "metrohub.catalogue"
    label = "catalogue"
    verbose_name = _("Capability catalogue")

    def ready(self) -> None:
        from metrohub.catalogue import (
            checks,  # noqa: F401  (registers system checks)
            procedure,  # noqa: F401  (the engine's capability effect)
        )
