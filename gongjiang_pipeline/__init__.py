"""北京大工匠 publicity site: data loading, validation and the selection rules (no Pelican here)."""

__version__ = "0.1.0"
