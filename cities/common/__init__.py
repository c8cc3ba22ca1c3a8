"""Helpers every room of the site uses, defined once.

The cities app is the bottom layer (import-linter checks it), so the small site-wide rules
that the other apps share live here: safe redirects, unique slugs, the site's address,
percentages, cache generations, domain errors, how a view declares the rights it needs, the
Markdown renderer and the "who did it" column.
"""
