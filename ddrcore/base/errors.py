"""The few exceptions the core raises. Each message is one line a user can act on."""

from __future__ import annotations


class DdrError(Exception):
    """Base class: a problem with the user's input or machine, not a bug."""


class RegionError(DdrError):
    """A score region is malformed, empty, or outside the frame."""


class ImageError(DdrError):
    """An image or video could not be opened or decoded."""


class SourceEndedError(ImageError):
    """A video file played to its end: no more frames will come (a device or stream that
    stops sending is an ImageError: it may come back)."""


class ProfileError(DdrError):
    """An unknown or malformed game profile."""


class EngineError(DdrError):
    """An OCR engine is unavailable (e.g. Tesseract not installed) or failed."""


class TemplateStoreError(DdrError):
    """A glyph template store is corrupt or belongs to another profile."""


class GameFileError(DdrError):
    """The game's score file is missing, half-written, stale or not one obs-ddr's module wrote."""
