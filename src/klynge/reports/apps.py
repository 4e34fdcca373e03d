from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "klynge.reports"
    label = "reports"

    def ready(self):
        pass
