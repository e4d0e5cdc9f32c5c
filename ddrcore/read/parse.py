"""Digits read from a score region -> a score, by the profile's format; never a guess."""

from __future__ import annotations

from ..base.scores import Score
from .profiles import ScoreFormat


def parse_score(digits: str, glyph_count: int, fmt: ScoreFormat) -> tuple[Score | None, str]:
    """The score the digits spell, or None and why not.

    ``glyph_count`` is how many digit glyphs the region held: an engine that read more or
    fewer digits than there are glyphs has misread something.
    """
    if not digits:
        return None, "no digits read"
    if not digits.isdigit():
        return None, f"not digits: {digits!r}"
    if len(digits) != glyph_count:
        return None, f"read {len(digits)} digits from {glyph_count} glyphs"
    if len(digits) > fmt.max_digits:
        return None, f"{len(digits)} digits, more than {fmt.max_digits}"
    if len(digits) <= fmt.decimals:
        return None, f"needs more than {fmt.decimals} digits"
    integer_digits = len(digits) - fmt.decimals
    if not fmt.leading_zeros and integer_digits > 1 and digits[0] == "0":
        return None, "a leading zero is never drawn bright"
    value: Score = int(digits) if fmt.decimals == 0 else round(int(digits) / 10**fmt.decimals, fmt.decimals)
    if not fmt.min <= value <= fmt.max:
        return None, f"{value} outside {fmt.min:g}..{fmt.max:g}"
    return value, ""


def format_score(value: Score, fmt: ScoreFormat) -> str:
    """A score written as the game writes it: padded, grouped, with its decimals."""
    if fmt.decimals:
        return f"{value:.{fmt.decimals}f}"
    text = f"{int(value):0{fmt.pad_digits}d}" if fmt.pad_digits else str(int(value))
    if not fmt.grouping:
        return text
    groups: list[str] = []
    while len(text) > 3:
        groups.insert(0, text[-3:])
        text = text[:-3]
    groups.insert(0, text)
    return fmt.grouping.join(groups)


def plain_score(value: Score, fmt: ScoreFormat) -> str:
    """A score grouped as the game groups it, without the game's padding: ``748,930``."""
    if fmt.decimals:
        return f"{value:.{fmt.decimals}f}"
    return f"{int(value):,}".replace(",", fmt.grouping)
