"""City adaptations: each city's own version of the model plan, in one room.

A city starts its adaptation from the model plan, decides entry by entry (adopt, adapt, not
applicable, or add its own), records its progress, publishes it, keeps it in step with the
model plan's changes, and downloads it. Here are its rules of who may do what
(`permissions`), its reads and progress roll-ups (`reads`), its changes (`services`), its
forms, pages, URLs (`/adaptations/`), exports and templates.

The adaptations' rows are the plans app's models (`Plan`, `Entry`, ...), and the rules about
one entry's decision are methods of `plans.models.Entry`. The room sits in the top layer
because it spans the cities, the model plan and the downloads machinery.
"""
