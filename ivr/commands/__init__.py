"""Sub-commands of the ivr CLI, one module each."""
