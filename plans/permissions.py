"""Who may change the model plan: the one place views, templates and services ask.

The model plan belongs to the collaborative: the coordinators edit it, through the
`plans.edit_model_plan` permission their group holds. Everyone may read it. (Who may change
a city's adaptation is decided in toolkit.adaptations.permissions.)
"""


def can_edit_model_plan(user) -> bool:
    """A coordinator (or a site admin): may add, edit, reorder and retire model plan content."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("plans.edit_model_plan")
