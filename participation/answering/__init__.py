"""A young person's side of the data: joining, submissions and retention."""
