"""The Twilio APIs the emulator serves, one package each (moto's shape).

Each package holds its models (state, Twilio's validation and refusals; no HTTP) apart from
its responses (parsing the request, rendering the answer) and exposes ``API``, its routes,
which reconciler/emulator/registry.py lists. Adding an API is adding a package here and one
line there.
"""
