"""tandem: product and project management in one system."""

__version__ = "0.1.0"
