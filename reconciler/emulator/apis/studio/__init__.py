"""Studio v2 (studio.twilio.com /v2/Flows): the `FW...` flows address auto-creation starts."""
