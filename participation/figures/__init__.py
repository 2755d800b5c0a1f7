"""Result figures: counts, dashboard, live screen, charts and written answers."""
