from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "metrohub.annualreports"
    label = "annualreports"
    verbose_name = _("Annual reports")

    def ready(self):
        from metrohub.annualreports import services  # noqa: F401  (registers the submit guard)
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Annual reports"), "annualreports:list", "annualreports.view"))
