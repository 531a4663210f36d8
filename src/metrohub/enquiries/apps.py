from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "metrohub.enquiries"
    label = "enquiries"
    verbose_name = _("Enquiries")

    def ready(self):
        from metrohub.core.navigation import NavItem, register

        register(NavItem(_("Enquiries"), "enquiries:list", "enquiries.view_own"))
