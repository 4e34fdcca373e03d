from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "klynge.quality"
    label = "quality"

    def ready(self):
        pass
