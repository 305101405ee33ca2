from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CilConfig(AppConfig):
    name = "cil"
    verbose_name = _("CIL core")

    def ready(self) -> None:
        # Registers the system check that every URL pattern has an access rule.
        from cil import checks  # noqa: F401
