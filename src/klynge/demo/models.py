from django.db import models


class DemoStep(models.Model):
    """A demo step that has run; it never runs again, so what users changed in the demo is kept."""

    name = models.CharField(max_length=100, unique=True)
    ran_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
