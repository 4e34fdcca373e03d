from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "klynge.surveys"
    label = "surveys"

    def ready(self):
        pass
