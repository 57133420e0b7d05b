"""The referral: its one description, normalisation and validation."""
