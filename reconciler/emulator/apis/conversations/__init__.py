"""Conversations v1 (conversations.twilio.com): the configuration API the reconciler manages.

``models/`` holds one module per resource (state and Twilio's rules), ``responses/`` one per
resource (HTTP), ``urls.py`` the routes.
"""
