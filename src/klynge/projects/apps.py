from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "klynge.projects"
    label = "projects"
    verbose_name = "Klynge: projekter"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from klynge.core import frontpage

        from .views import frontpage_section, waiting_items

        frontpage.register_nav(
            label=_("Projekter"), url_name="projects:index", permission="projects.view", order=30
        )
        frontpage.register(frontpage_section, order=30)
        frontpage.register_waiting(waiting_items, order=30)
