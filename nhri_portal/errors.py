"""The exceptions services raise. Views turn them into messages people can read."""


class DomainError(Exception):
    """A request the procedure does not allow; the message says why, for a person."""


class NotPermitted(DomainError):
    """The actor may not do this."""


class Conflict(DomainError):
    """Someone else changed the object first; reload and look again."""
