"""Readers: turn a file's bytes into a raw form (spec keys -> raw values)."""
