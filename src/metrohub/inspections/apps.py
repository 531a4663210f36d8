from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "metrohub.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from metrohub.core.navigation import NavItem, register
        from metrohub.inspections import rules, services  # noqa: F401  (guards, permissions)

        register(NavItem(_("Inspections"), "inspections:list", "inspections.view"))
