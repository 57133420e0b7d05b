"""Intake: watch the inbox and claim files (reading them, e-mails too, is `pipeline.read`)."""
