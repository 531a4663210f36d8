from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "metrohub.standards"
    label = "standards"
    verbose_name = _("Measurement standards")

    def ready(self) -> None:
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Standards"), "standards:list", "standards.view"))
