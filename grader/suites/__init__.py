"""Hidden suites, one ``test_<name>.py`` per assignment, run by :mod:`grader.runner`."""
