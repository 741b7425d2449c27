"""The sandbox's own errors (their messages are safe to show to a client)."""


class SandboxError(Exception):
    """Base class of the sandbox's own errors (messages are safe to show)."""


class UnknownAccountError(SandboxError):
    pass


class UnknownUserError(SandboxError):
    pass


class MutationError(SandboxError):
    pass


class CursorError(SandboxError):
    pass


class StateError(SandboxError):
    pass
