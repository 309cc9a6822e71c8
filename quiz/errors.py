"""The one exception type for mistakes a user can cause or fix."""


class QuizError(Exception):
    """A problem the user can act on: shown as one line, never as a traceback.

    The message names what is wrong and, where there is one, what to do about it.
    """
