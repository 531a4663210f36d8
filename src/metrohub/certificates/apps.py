from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "metrohub.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from metrohub.certificates import uses
        from metrohub.certificates.verification import connect_invalidation
        from metrohub.core.navigation import NavItem, register

        connect_invalidation()
        uses.connect()

        register(NavItem(_("Certificates"), "certificates:work", "certificates.work"))
        register(
            NavItem(
                _("My certificates"), "certificates:mine", "certificates.view_mine", personal=True
            )
        )
