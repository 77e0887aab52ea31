"""One error hierarchy for the whole hotline.

Every error carries an exact, human-readable message; tests assert them.
"""
from __future__ import annotations


class IvrError(Exception):
    """Root of every error the hotline raises on purpose."""


class ConfigError(IvrError):
    """Invalid configuration: the message names the key."""


class FlowError(IvrError):
    """A call flow failed to load or validate.

    ``problems`` holds one line per problem, formatted ``PATH: node 'ID': problem``.
    """

    def __init__(self, problems: list[str], lines: list[int | None] | None = None):
        self.problems = list(problems)
        #: the YAML line of each problem where known (for editors), else None
        self.lines = list(lines) if lines is not None else [None] * len(self.problems)
        super().__init__("\n".join(self.problems))


class PromptError(IvrError):
    """Unknown prompt id, bad catalog, or a prompt that could not be rendered."""


class SynthesisError(PromptError):
    """A synthesizer failed to produce audio."""


class AudioError(IvrError):
    """Audio that cannot be decoded or converted (corrupt WAV, wrong format)."""


class ModelError(IvrError):
    """A speech model is missing or unusable; the message says how to get one."""


class StorageError(IvrError):
    """The database is unreachable or its schema is out of date."""


class SipError(IvrError):
    """A SIP or RTP problem in the telephony adapter."""


class SupervisorError(IvrError):
    """``ivr up`` cannot start the instance: a port is taken or a program is missing."""


class KnowledgeError(IvrError):
    """The question-answer knowledge base (``callflows/knowledge/*.yaml``) failed to load or validate.

    ``problems`` holds one line per problem, formatted ``PATH: topic 'ID': problem``
    (``PATH: topic '(file)': problem`` for the file itself).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
