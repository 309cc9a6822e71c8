"""Labelled answers for measuring the answer checker; ``measure.py`` reads them.

A package so that mypy names ``measure.py`` ``answers.measure``, as the tests import it,
and not also ``measure``.
"""
