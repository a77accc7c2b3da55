"""Restricted API keys: the permission each Twilio endpoint needs (`table`, shared with the
emulator, which enforces it) and the policy a job of this tool needs (`policy`).

Deliberately empty: the emulator imports `reconciler.permissions.table`, and importing this
package must not pull the engine (kinds, config) in with it.
"""
