from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "klynge.reports"
    label = "reports"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules  # noqa: F401
        from .views import frontpage_section

        frontpage.register_nav(
            label=_("Beretning"),
            url_name="reports:annual_report_index",
            permission="reports.view_reports",
            order=80,
        )
        frontpage.register(frontpage_section, order=80)
