"""Document pipeline for family group conferences (pere lahendusring)."""

__version__ = "0.1.0"
