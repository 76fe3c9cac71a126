"""The app layer: what composes the libraries (``grader`` and ``tracker``) into the CLI's jobs.

A grade attempt is the grader grading a file and the tracker recording its plain rows
(:mod:`course.app.attempt`). Nothing here prints; the commands render what it returns.
"""
