"""The 2010-04-01 Accounts API (api.twilio.com): accounts, subaccounts and who a request
authenticates as."""
