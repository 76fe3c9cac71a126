"""The grader: assignment specs, the child-process pytest runner, its plugin, results, data.

Importing this package does not import torch; only :mod:`grader.data`, :mod:`grader.training`
and the suites do.
"""
