"""The parity suite: scenarios over the configuration endpoints the engine uses, run against
the emulator (the default) or, with an explicit opt-in that names the account, against Twilio;
their answers recorded as snapshots with transformers, checked against the committed ones,
and a coverage table of Twilio's operations. See docs/parity.md.

    python -m reconciler.parity check                 # the emulator against the snapshots
    python -m reconciler.parity record --target twilio   # a live recording (opt-in needed)
"""
