"""Twilio Conversations configuration as version-controlled YAML: validate, plan, apply, export."""

__version__ = "0.1.0"
