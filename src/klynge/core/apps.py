from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klynge.core"
    label = "core"
    verbose_name = "Klynge: register"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from . import audit, frontpage, oidc  # noqa: F401 - oidc connects its login signal

        audit.connect()

        # »Det venter på dig«: after the next meeting, before the apps' own sections.
        frontpage.register(frontpage.waiting_section, order=15)

        frontpage.register_nav(
            label=_("Praksis"), url_name="core:practice_list", permission="core.view_register", order=80
        )
        frontpage.register_nav(
            label=_("Personer"), url_name="core:person_list", permission="core.view_register", order=81
        )
        frontpage.register_nav(
            label=_("Log"), url_name="core:audit_log", permission="core.manage_cluster", order=98
        )
        frontpage.register_nav(
            label=_("Indstillinger"),
            url_name="core:cluster_settings",
            permission="core.manage_cluster",
            order=99,
        )
