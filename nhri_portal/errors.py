"""The exceptions services raise. Views turn them into messages people can read."""


class DomainError(Exception):
    """A request the procedure does not allow; the message says why, for a person."""


class NotPermitted(DomainError):
    """The actor may not do this."""


class Conflict(DomainError):
    """Someone else changed the object first; reload and look again."""


def status_of(error: DomainError) -> int:
    """The HTTP status a refusal stands for, on a page and in the API."""
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400
