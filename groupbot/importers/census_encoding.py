"""Which encoding a census CSV is in: a BOM, UTF-8, or GB18030/Big5 told apart by their text.

GB18030 decodes almost any byte string, Big5 included, so trying codecs in turn turns a
Traditional-Chinese Big5 file into plausible-looking garbage. charset-normalizer, held to the
two candidates, measures which reading is coherent text; when it cannot tell, the file is
refused and the person names the encoding (`--encoding`).
"""

from __future__ import annotations

import codecs

# Longest first: a UTF-32-LE BOM begins with the UTF-16-LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
CANDIDATES = ("gb18030", "big5")
# Two readings whose "chaos" (charset-normalizer's mess ratio) is this close are a tie.
TIE = 0.01


class EncodingError(ValueError):
    """Text whose encoding is unknown, uncertain or not the one given."""


def known_encoding(name: str) -> str:
    """The codec's canonical name; EncodingError for a name Python does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise EncodingError(f"unknown encoding {name!r}") from None


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of a census file, in the given encoding or the one recognised."""
    name = encoding or sniff(data)
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"not valid {name} text (byte {exc.start:,}); "
                            "name the file's encoding with --encoding") from None
    return text.removeprefix("\ufeff")  # a BOM kept by an explicit utf-8 or utf-16-le


def sniff(data: bytes) -> str:
    """UTF-8/16/32 by BOM, plain UTF-8, or the one coherent reading of GB18030 and Big5."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _gb_or_big5(data)


def _gb_or_big5(data: bytes) -> str:
    from charset_normalizer import from_bytes

    readings = sorted((m for m in from_bytes(data, cp_isolation=list(CANDIDATES))
                       if m.encoding in CANDIDATES), key=lambda m: m.chaos)
    if not readings:
        raise EncodingError("encoding not recognised (UTF-8, UTF-16, GB18030 or Big5 expected); "
                            "name it with --encoding")
    if len(readings) > 1 and readings[1].chaos - readings[0].chaos < TIE:
        raise EncodingError(f"could be {readings[0].encoding} or {readings[1].encoding}; "
                            "name the encoding with --encoding")
    return readings[0].encoding
