"""How every view shows a service's refusal on its form, and answers a form with errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Puts a service's Danish messages on the form fields they belong to (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_status(form) -> int:
    """400 for a submitted form with errors, so that bad input is a 4xx; 200 otherwise."""
    return 400 if form.is_bound and form.errors else 200


def error_text(error: ValidationError) -> str:
    """A service's messages as one line, for a message after a redirect."""
    return " ".join(error.messages)
