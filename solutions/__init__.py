"""Reference implementations, one module per assignment, with the skeleton's API."""
