"""Credentials the emulator accepts unless told otherwise (never real Twilio credentials)."""

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "emulator-auth-token"
API_KEY_SID = "SK" + "0" * 31 + "1"
API_KEY_SECRET = "emulator-api-secret"
LOCAL_STATE_DIR = ".reconciler"
LOCAL_STATE_FILE = "emulator-state.json"
