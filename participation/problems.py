"""The exceptions domain packages raise; one error handler turns each into a page.

Domain code never touches the request: it raises one of these and `errors.py` answers
with the matching status (404, 403, 409) or, for a `FieldProblem`, the form shows it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a domain package raises on purpose."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or the staff member may not know that it does."""

    status = 404


class Forbidden(DomainError):
    """The staff member is known but may not do this."""

    status = 403


class Conflict(DomainError):
    """The request clashes with the thing's current state (closed, already answered, ...)."""

    status = 409


class FieldProblem(ValueError):
    """Something staff need to correct: the form field at fault and a plain message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
