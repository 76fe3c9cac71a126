"""What a student gets: one folder per assignment (assignment.yaml, README.md, skeleton)."""
