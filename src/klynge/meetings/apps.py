from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "klynge.meetings"
    label = "meetings"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from . import rules  # noqa: F401
        from .views import frontpage_section, guest_home_section

        frontpage.register_nav(
            label=_("Møder"), url_name="meetings:meeting_list", permission="meetings.view_meetings", order=20
        )
        frontpage.register_nav(
            label=_("Bibliotek"),
            url_name="meetings:document_list",
            permission="meetings.view_library",
            order=25,
        )
        frontpage.register(frontpage_section, order=10)
        frontpage.register_home(guest_home_section, order=20)
