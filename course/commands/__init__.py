"""Click commands, one module per half: :mod:`grade` (grader) and :mod:`study` (tracker)."""
