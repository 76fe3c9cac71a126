"""`course`: grader and study tracker for deep-learning bootcamp students."""

__version__ = "0.1.0"
