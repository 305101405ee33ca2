from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run` (`seed_demo`) and the benchmark's data set (`seed_scale`).

    On top of every app, as it fills all of them; nothing imports it.
    """

    name = "demo"
    verbose_name = _("Demo data")
