from django.contrib import messages
from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused a change: nothing was saved.

    Raised by services with a message, or with {field: message} to point at a field. It is a
    ValidationError, so a form shows it like any other with `show_on_form`.
    """


def show_on_form(form, error: ValidationError) -> None:
    """Put a refusal next to the field it names (at the top when the form has no such field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def show_in_messages(request, error: ValidationError) -> None:
    """For a one-button action with no form to show it on: the refusal on the next page."""
    for message in error.messages:
        messages.error(request, message)
