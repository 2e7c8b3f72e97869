"""Catalog search: see README.md beside this file."""
