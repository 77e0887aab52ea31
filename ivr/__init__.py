"""F0 voice hotline: telephony core, call-flow engine and speech."""
import sys
from pathlib import Path

__version__ = "0.1.0"

_CHECKOUT = Path(__file__).resolve().parent.parent

#: Where the data folders (callflows/, prompts/, asr_models/, escalation/rules/) are: the repository root
#: when the project is installed editable from it (the usual case), else ``<prefix>/share/f0-hotline``,
#: where a wheel installs them (setup.cfg ``[options.data_files]``).
ROOT = _CHECKOUT if (_CHECKOUT / "callflows").is_dir() else Path(sys.prefix) / "share" / "f0-hotline"
