"""IAM v1 API keys (iam.twilio.com /v1/Keys): Standard and restricted keys of an account."""
