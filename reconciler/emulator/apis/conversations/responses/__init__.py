"""The HTTP side of Conversations, one module per resource: form in, rendered view out."""
