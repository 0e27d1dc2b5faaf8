"""The one base of every service's "bad input" error.

A service refuses input with a subclass of ``ServiceError`` carrying one or more Vietnamese
messages that name the problem: views put ``exc.messages`` on the form or page, commands print
``str(exc)`` (the messages joined). It is a ``ValidationError`` (forms and ``full_clean`` speak
the same language) and a ``ValueError`` (a wrong value, for code that catches that).
Refusals for lack of rights are ``PermissionDenied``, never a ServiceError.
"""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError, ValueError):
    def __str__(self) -> str:
        return " ".join(self.messages)
