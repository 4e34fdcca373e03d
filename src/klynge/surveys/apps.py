from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "klynge.surveys"
    label = "surveys"
    verbose_name = "Klynge: spørgeskemaer"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules  # noqa: F401
        from .views import waiting_items

        frontpage.register_nav(
            label=_("Spørgeskemaer"), url_name="surveys:list", permission="surveys.view_surveys", order=40
        )
        frontpage.register_waiting(waiting_items, order=40)
