from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "klynge.projects"
    label = "projects"

    def ready(self):
        pass
