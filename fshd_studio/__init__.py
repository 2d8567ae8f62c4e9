"""FSHD Studio: review, annotate and score two-camera facial-exercise sessions."""

__version__ = "0.1.0"
