def percent(part: int, whole: int) -> int:
    """A whole percentage with halves rounded up (1 of 8 is 13 %), 0 for an empty whole.

    The one rounding of the site: progress bars, roll-ups, the grant dashboard and every
    export call it, so the same fraction never reads differently in two places.
    """
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)
