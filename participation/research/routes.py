"""Research views."""
