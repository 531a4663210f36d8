from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "metrohub.guides"
    label = "guides"
    verbose_name = _("Service guides")

    def ready(self) -> None:
        from metrohub.core.navigation import ITEMS, NavItem

        item = NavItem(_("Service guides"), "guides:list")
        if item not in ITEMS:
            names = [i.url_name for i in ITEMS]
            at = names.index("rulepacks:list") if "rulepacks:list" in names else len(ITEMS) - 1
            ITEMS.insert(at, item)
