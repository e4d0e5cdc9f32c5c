"""OCR engines: turn a score's digit glyphs into a digit string.

Engines are chosen by name through :func:`make_engine`, which imports each one lazily, so
a missing optional package only matters when that engine is asked for. An engine object
is used by one thread only (the one that created it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...base.errors import EngineError, TemplateStoreError
from .base import OcrEngine

if TYPE_CHECKING:
    from pathlib import Path

    from ..profiles import Profile
    from .store import SampleStore


def make_engine(
    name: str,
    profile: Profile,
    tesseract_cmd: str | None = None,
    templates: Path | None = None,
    keep_learned: bool = True,
) -> OcrEngine:
    """The engine called ``name`` for ``profile``; EngineError if it cannot run here.

    ``tesseract_cmd`` is the tesseract executable when it is not on PATH (its folder also
    holds the tessdata the in-process engine needs on Windows). ``templates``: a template
    store file to read with (and learn into) instead of the profile's store in the user's
    data folder; it must belong to the profile and hold all ten digits. ``keep_learned``
    False (and no ``templates``): learn from nothing for this run only, keep nothing.
    """
    request = EngineRequest(profile, tesseract_cmd, templates, keep_learned)
    factory = _FACTORIES.get(name)
    if factory is None:
        raise EngineError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
    return factory(request)


@dataclass(frozen=True, slots=True)
class EngineRequest:
    """What every engine factory is given (see :func:`make_engine`)."""

    profile: Profile
    tesseract_cmd: str | None
    templates: Path | None
    keep_learned: bool


def _pytesseract(request: EngineRequest) -> OcrEngine:
    from .tesseract import PytesseractEngine

    return PytesseractEngine(request.tesseract_cmd)


def _tesserocr(request: EngineRequest) -> OcrEngine:
    from .tesseract import TesserocrEngine

    return TesserocrEngine(request.tesseract_cmd)


def _glyph(request: EngineRequest) -> OcrEngine:
    return _glyph_engine(request.profile, request.templates, request.keep_learned)


def _auto(request: EngineRequest) -> OcrEngine:
    return _auto_engine(request.profile, request.tesseract_cmd, request.templates, request.keep_learned)


def tesseract_engine(tesseract_cmd: str | None = None) -> OcrEngine:
    """The fastest Tesseract engine available: in-process tesserocr, else pytesseract."""
    try:
        from .tesseract import TesserocrEngine

        return TesserocrEngine(tesseract_cmd)
    except EngineError:
        from .tesseract import PytesseractEngine

        return PytesseractEngine(tesseract_cmd)


def _store(profile: Profile, templates: Path | None, keep_learned: bool = True) -> SampleStore:
    """The profile's store in the user's data folder (or one for this run only), or the file
    given (checked now), read-only under the user's own store (see LayeredStore)."""
    from .glyph import GlyphLearner
    from .store import LayeredStore, TemplateStore

    own = TemplateStore(profile.name, kept=keep_learned)
    if templates is None:
        return own
    store = TemplateStore(profile.name, path=templates)
    if not templates.is_file():
        raise EngineError(f"template file {templates} does not exist: make one with 'ddrcore learn'")
    try:
        learner = GlyphLearner()
        learner.load(store.load())
    except TemplateStoreError as exc:
        raise EngineError(f"{exc}: refused") from None
    if not learner.complete:
        missing = [d for d in "0123456789" if len(learner.samples.get(d, ())) < learner.min_samples]
        raise EngineError(f"template file {templates} lacks the digits {', '.join(missing)}: refused (learn it again)")
    validation = store.validation or {}
    if validation and validation.get("wrong", 0) > 0:
        raise EngineError(f"template file {templates} read wrong scores when it was learned: refused (learn it again)")
    return LayeredStore(store, own)


def _glyph_engine(profile: Profile, templates: Path | None = None, keep_learned: bool = True) -> OcrEngine:
    from .glyph import LEARNED_SURE, GlyphEngine, GlyphLearner, load_samples

    glyph = GlyphEngine.for_profile(profile)
    if not glyph.has_templates:
        # The templates ``auto`` reads with: learned samples that agree with their digit.
        learner = GlyphLearner()
        learner.load(load_samples(_store(profile, templates, keep_learned)))
        glyph = GlyphEngine({**learner.templates(), **glyph.templates}, LEARNED_SURE)
    if not glyph.has_templates:
        raise EngineError(
            f"no digit templates for {profile.name} yet: read some gameplay with engine auto first, keeping what it "
            "learns (in OBS it always does; on the command line with --learn), or load a file 'ddrcore learn' made"
        )
    return glyph


def _auto_engine(
    profile: Profile, tesseract_cmd: str | None, templates: Path | None = None, keep_learned: bool = True
) -> OcrEngine:
    from .glyph import AutoEngine, GlyphEngine, GlyphLearner

    store = _store(profile, templates, keep_learned)
    glyph = GlyphEngine.for_profile(profile)
    unavailable: EngineError | None = None
    try:
        fallback: OcrEngine | None = tesseract_engine(tesseract_cmd)
    except EngineError as exc:
        fallback, unavailable = None, exc
    if glyph.has_templates:
        return AutoEngine(glyph, fallback)
    auto = AutoEngine(glyph, fallback, GlyphLearner(), store)
    if unavailable is not None and not auto.glyph.has_templates:
        raise unavailable  # nothing learned yet and no Tesseract: nothing can read
    return auto


# The registry: the names (the settings' dropdown, the command line's choices) come from it; each
# factory imports its engine lazily, so a missing optional package only matters when asked for.
_FACTORIES: dict[str, Callable[[EngineRequest], OcrEngine]] = {
    "auto": _auto,
    "glyph": _glyph,
    "tesserocr": _tesserocr,
    "pytesseract": _pytesseract,
}
ENGINE_NAMES: tuple[str, ...] = tuple(_FACTORIES)
# The engine every front end starts with: the matcher where it is sure, Tesseract to learn.
DEFAULT_ENGINE = "auto"
