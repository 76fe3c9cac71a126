"""Click commands: :mod:`grade` and :mod:`aae` (grader), :mod:`study` (tracker)."""
