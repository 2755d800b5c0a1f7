"""Designing activities: settings, questions, kinds, library, consent, join codes, QR, posters, help links."""
