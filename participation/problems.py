"""The error a domain module raises when staff must correct one field of a form."""

from __future__ import annotations


class FieldProblem(ValueError):
    """Something staff need to correct: the form field at fault and a plain message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
