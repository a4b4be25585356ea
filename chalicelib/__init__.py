"""Parley: everything that is deployed to Lambda lives under this package."""

__version__ = "0.1.0"
