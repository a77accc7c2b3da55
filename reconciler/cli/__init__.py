"""Click commands: thin wrappers over config, live, plan, apply and emulator."""
