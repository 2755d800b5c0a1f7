"""Disclosure control: redaction, k-anonymity, suppression and safe CSV cells."""
