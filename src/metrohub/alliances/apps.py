from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "metrohub.alliances"
    label = "alliances"
    verbose_name = _("Alliances")

    def ready(self):
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Alliances"), "alliances:list"))
