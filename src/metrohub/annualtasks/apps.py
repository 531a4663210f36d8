from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualTasksConfig(AppConfig):
    name = "metrohub.annualtasks"
    label = "annualtasks"
    verbose_name = _("Annual tasks")

    def ready(self):
        from metrohub.annualtasks import rules, services  # noqa: F401  (guards, permissions)
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Annual tasks"), "annualtasks:list", "annualtasks.view"))
