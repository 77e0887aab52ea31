"""F0 voice hotline: telephony core, call-flow engine and speech."""
from pathlib import Path

__version__ = "0.1.0"

#: The repository root (the project is installed editable from it).
ROOT = Path(__file__).resolve().parent.parent
