from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "klynge.meetings"
    label = "meetings"

    def ready(self):
        pass
