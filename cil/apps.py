from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CilConfig(AppConfig):
    name = "cil"
    verbose_name = _("CIL core")

    def ready(self) -> None:
        # Registers the system checks (every URL pattern has an access rule, SITE_URL is set)
        # and the receiver that notes the time of every sign-in, for a session's maximum age.
        from cil import checks, sessions  # noqa: F401
