"""What staff do with answers: moderation, themes and "you said, we did"."""
