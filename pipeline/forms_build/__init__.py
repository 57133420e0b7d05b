"""The blank official referral form (PDF and DOCX) built from the one form
description, and filling it by key (see `fill`)."""
