"""Models of the products app."""
