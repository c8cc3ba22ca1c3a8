from django.forms.renderers import TemplatesSetting


class USWDSFormRenderer(TemplatesSetting):
    """Render every form with the U.S. Web Design System's markup.

    The templates live in templates/forms/ and templates/django/forms/, so a
    form needs no per-field styling code to look right and be accessible.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
