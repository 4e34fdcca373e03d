from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "klynge.quality"
    label = "quality"
    verbose_name = "Klynge: egne data"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules, signals  # noqa: F401 (rules registers the permissions)

        signals.connect()
        from .views import frontpage_section

        frontpage.register_nav(
            label=_("Egne data"), url_name="quality:own_data", permission="quality.view_data", order=60
        )
        frontpage.register(frontpage_section, order=60)

        from klynge.meetings.links import register_guest_page

        # An indicator linked from a meeting's agenda is shared with that meeting's guests
        # (selectors.shared_with_guest); only its page, by its plain address.
        register_guest_page(
            "quality:indicator_detail",
            lambda link, kwargs, meeting: link.endswith(
                f"/k/{meeting.cluster.slug}/data/indikator/{kwargs['indicator_id']}/"
            ),
        )
