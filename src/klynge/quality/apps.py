from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "klynge.quality"
    label = "quality"
    verbose_name = "Klynge: egne data"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules  # noqa: F401
        from .views import frontpage_section

        frontpage.register_nav(
            label=_("Egne data"), url_name="quality:own_data", permission="quality.view_data", order=60
        )
        frontpage.register(frontpage_section, order=60)
