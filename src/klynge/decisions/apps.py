from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "klynge.decisions"
    label = "decisions"
    verbose_name = "Klynge: beslutninger"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules, signals, views  # noqa: F401

        frontpage.register_nav(
            label=_("Afstemninger"), url_name="decisions:poll_list", permission="decisions.view", order=30
        )
        frontpage.register_nav(
            label=_("Beslutninger"), url_name="decisions:decision_list", permission="decisions.view", order=31
        )
        frontpage.register(views.frontpage_section, order=20)
        frontpage.register_waiting(views.waiting_items, order=20)
