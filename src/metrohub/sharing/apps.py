from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "metrohub.sharing"
    label = "sharing"
    verbose_name = _("Open sharing")

    def ready(self):
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Shared resources"), "sharing:list"))
        register(NavItem(_("Bookings"), "sharing:bookings", "sharing.book"))
