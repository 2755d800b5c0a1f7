"""Possible disclosures: the check on free text and the private queue."""
