"""Everything that ships inside the Lambda bundle."""

__version__ = "0.1.0"
