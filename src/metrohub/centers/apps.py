from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "metrohub.centers"
    label = "centers"
    verbose_name = _("Centers")

    def ready(self) -> None:
        from metrohub.core.navigation import ITEMS, NavItem

        # The public registry sits beside the capability catalogue in the navigation.
        item = NavItem(_("Centers"), "centers:list")
        if item not in ITEMS:
            names = [i.url_name for i in ITEMS]
            at = names.index("catalogue:search") if "catalogue:search" in names else len(ITEMS) - 1
            ITEMS.insert(at, item)
