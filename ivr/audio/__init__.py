"""Audio front end: pure conversions on 16-bit signed mono PCM ("pcm16"), no I/O but WAV files.

Canonical audio inside the process is little-endian 16-bit signed mono PCM with an explicit
sample rate. One module per concern; this package re-exports their public names:

- ``pcm``: constants, framing and levels (``iter_frames``, ``rms_dbfs``);
- ``g711``: the one G.711 codec (µ-law, A-law) and pyVoIP's 8-bit linear samples;
- ``resample``: ``resample`` for whole buffers, ``Resampler`` for streams (soxr);
- ``wav``: ``read_wav``, ``iter_wav``, ``wav_info``, ``wav_bytes``, ``write_wav``;
- ``gate``: the sans-I/O voice-activity gate (``VoiceGate``, ``GateEvent``);
- ``agc``: sans-I/O level normalisation before the gate (``LevelNormalizer``).

Errors are ``AudioError`` with exact messages that name the file and the problem.
"""
from ivr.audio.agc import LevelNormalizer
from ivr.audio.g711 import alaw_to_pcm16, pcm16_to_alaw, pcm16_to_u8, pcm16_to_ulaw, u8_to_pcm16, ulaw_to_pcm16
from ivr.audio.gate import GateEvent, VoiceGate
from ivr.audio.pcm import FRAME_MS, SAMPLE_WIDTH, SILENCE_DBFS, TELEPHONE_RATE, frame_bytes, iter_frames, rms_dbfs
from ivr.audio.resample import Resampler, resample
from ivr.audio.wav import WavInfo, iter_wav, read_wav, wav_bytes, wav_info, write_wav

__all__ = [
    "FRAME_MS", "SAMPLE_WIDTH", "SILENCE_DBFS", "TELEPHONE_RATE", "GateEvent", "LevelNormalizer", "Resampler",
    "VoiceGate", "WavInfo", "alaw_to_pcm16", "frame_bytes", "iter_frames", "iter_wav", "pcm16_to_alaw", "pcm16_to_u8",
    "pcm16_to_ulaw", "read_wav", "resample", "rms_dbfs", "u8_to_pcm16", "ulaw_to_pcm16", "wav_bytes",
    "wav_info", "write_wav",
]
