from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "klynge.decisions"
    label = "decisions"

    def ready(self):
        pass
