"""The figwire package version (not the format version: see ``_spec.FORMAT_VERSION``)."""

__version__ = "0.1.0"
