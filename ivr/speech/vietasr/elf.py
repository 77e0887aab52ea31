"""Read an exported data symbol out of an ELF64 shared library, without loading the library.

viet-asr ships its speech model as read-only data inside ``libvietasr.so``
(``vietasr_asr_model_onnx``, ``vietasr_asr_vocab``). Reading the bytes from the file
keeps the library (and the ONNX Runtime copy it links) out of the process.
"""
from __future__ import annotations

import mmap
import os
import struct

from ivr.errors import ModelError

SHT_DYNSYM = 11
SHN_UNDEF = 0


def read_symbol(path: str | os.PathLike[str], name: str, length: int | None = None) -> bytes:
    """The bytes of the defined dynamic symbol ``name`` in the ELF64 little-endian file ``path``.

    ``length`` overrides the symbol's recorded size (arrays declared ``extern T x[]`` record 0).
    """
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _read(data, name, os.fspath(path), length)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {os.fspath(path)}: {exc}") from None


def _read(data: mmap.mmap, name: str, where: str, length: int | None) -> bytes:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ModelError(f"{where}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    wanted = name.encode("ascii")
    for sh_type, offset, size, link, entsize in ((s[1], s[4], s[5], s[6], s[9]) for s in sections):
        if sh_type != SHT_DYNSYM or not entsize:
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            st_name, _info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, pos)
            end = data.find(b"\0", strtab + st_name)
            if data[strtab + st_name:end] != wanted or shndx == SHN_UNDEF or shndx >= len(sections):
                continue
            home = sections[shndx]
            start = home[4] + (value - home[3])  # file offset = section offset + (address - section address)
            st_size = st_size if length is None else length
            if start < 0 or start + st_size > len(data):
                raise ModelError(f"{where}: symbol {name} lies outside the file")
            return bytes(data[start:start + st_size])
    raise ModelError(f"{where}: no symbol {name}")
