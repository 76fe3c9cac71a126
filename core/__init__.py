"""The bottom layer of `course`: the one exception hierarchy and the clock.

Everything else (``grader``, ``tracker``, the app layer and the CLI in ``course``) imports
from here; this package imports nothing of ours.
"""
