"""Daily spaced-repetition practice for deep-learning interviews."""

__version__ = "0.1.0"
