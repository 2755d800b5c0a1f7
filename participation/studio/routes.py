"""Studio views."""
