"""Understanding caller utterances: vocabulary as data (``data/*.yaml``), rules in code; see ``understander``."""
