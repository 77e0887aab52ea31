"""The escalation queue's errors, rooted in the project error class ``ivr.errors.IvrError``.

Every error carries an exact message staff can read (Vietnamese); tests assert them.
"""
from __future__ import annotations

from ivr.errors import ConfigError, IvrError


class EscalationError(IvrError):
    """An escalation could not be created or moved to the requested state."""


class EscalationNotFound(EscalationError):
    """No escalation, patient or staff member with that id."""


class EscalationConflict(EscalationError):
    """The escalation is not in a state that allows the move (another doctor picked it first, say)."""


class WebhookError(EscalationError):
    """A webhook URL is malformed or its endpoint did not accept a notification."""


class RulePackError(ConfigError):
    """A triage rule pack failed to load or validate.

    ``problems`` holds one line per problem, formatted ``PATH: rule 'ID': problem``
    (or ``PATH: problem`` for the pack itself).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class InvalidWebhookUrl(WebhookError):
    """The webhook URL is malformed: no retry can help, the notification fails at once."""


class WebhookUnreachable(WebhookError):
    """The endpoint did not answer (timed out, refused, reset): a job does not try it again until a retry."""


class JobRefused(EscalationError):
    """An rq job that is not one of the hotline's own (another function, a method, callbacks, unreadable data)."""
