"""Messaging Services v1 (messaging.twilio.com /v1/Services): the `MG...` services a
Conversations configuration names as its default messaging service."""
