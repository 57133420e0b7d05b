"""Intake: watch the inbox, claim files, unpack e-mails."""
