from django.forms.renderers import TemplatesSetting


class KlyngeFormRenderer(TemplatesSetting):
    """Every form renders through templates/klynge/form.html (design-system markup, errors by field)."""

    form_template_name = "klynge/form.html"
