"""The 2010-04-01 IncomingPhoneNumbers API (api.twilio.com): the phone numbers an account
owns, which its SMS address configurations should name."""
