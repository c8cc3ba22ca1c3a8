"""Who may use the toolkit's private pages (run by tests/test_permission_matrix.py)."""

from tests.matrix import OK, Case, expect

CASES = [
    Case("your profile", "profile", expect(OK)),
    Case(
        "save your profile",
        "profile",
        expect(OK),
        method="post",
        data=lambda w: {"name": "Renamed by the matrix", "job_title": "Analyst"},
    ),
]
