from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "metrohub.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self) -> None:
        from metrohub.core.navigation import NavItem, register

        register(
            NavItem(_("My instruments"), "instruments:register", "instruments.keep", personal=True)
        )
        register(NavItem(_("Filed instruments"), "instruments:district", "instruments.supervise"))
        register(
            NavItem(_("Customers' instruments due"), "instruments:customers", "instruments.plan")
        )
