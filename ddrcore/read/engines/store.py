"""Learned digit templates kept on disk, one file per game profile, so the next start reads
with the glyph matcher at once instead of learning again.

The file is a NumPy ``.npz`` read without pickle: ``features`` (one row per sample),
``labels`` (the digit of each row) and ``meta`` (JSON: format version, profile, feature size).
Anything else is rejected with a :class:`TemplateStoreError` saying why.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ...base.atomic import write_atomic
from ...base.errors import TemplateStoreError
from .base import FEATURE_SIZE

if TYPE_CHECKING:
    from .base import Feature

FORMAT_VERSION = 1


class SampleStore(Protocol):
    """Where the learning engine loads its samples from and saves what it learned."""

    @property
    def path(self) -> Path: ...

    def load(self) -> dict[str, list[Feature]]: ...

    def save(self, samples: dict[str, list[Feature]], validation: dict[str, int] | None = None) -> None: ...


def default_store_dir() -> Path:
    """$OBS_DDR_DATA, else the platform's per-user data folder."""
    if os.environ.get("OBS_DDR_DATA"):
        return Path(os.environ["OBS_DDR_DATA"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "obs-ddr"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "obs-ddr"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "obs-ddr"


class TemplateStore:
    """The learned templates of one profile, in ``folder``/templates-<profile>.npz, or in the
    file ``path`` (a store exported by ``ddrcore learn`` and handed around). ``kept=False``:
    a store for this run only, which starts empty and writes nothing (the command line's
    default, so a run never depends on a machine's history nor changes it)."""

    def __init__(self, profile: str, folder: Path | None = None, path: Path | None = None, kept: bool = True) -> None:
        self.profile = profile
        self.path = path or (folder or default_store_dir()) / f"templates-{profile}.npz"
        self.kept = kept
        # What ``ddrcore learn`` measured before it wrote the store (see :meth:`save`).
        self.validation: dict[str, int] | None = None

    def describe(self) -> str:
        """Where the learned digits come from and go, in words."""
        return f"template store {self.path}" if self.kept else "digits learned for this run only (nothing kept)"

    def load(self) -> dict[str, list[Feature]]:
        """The stored samples per digit ({} when there is no store yet)."""
        if not self.kept or not self.path.is_file():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                features, labels = data["features"], data["labels"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise TemplateStoreError(f"template store {self.path} is corrupt ({exc})") from None
        problem = self._foreign(meta, features, labels)
        if problem:
            raise TemplateStoreError(f"template store {self.path} {problem}")
        validation = meta.get("validation")
        self.validation = {k: int(v) for k, v in validation.items()} if isinstance(validation, dict) else None
        samples: dict[str, list[Feature]] = {}
        for label, row in zip(labels.tolist(), features.astype(np.float32), strict=True):
            samples.setdefault(str(label), []).append(row)
        return samples

    def save(self, samples: dict[str, list[Feature]], validation: dict[str, int] | None = None) -> None:
        """Write atomically: into a temporary file of this writer's own, flushed to disk,
        then put in place in one rename. A crash mid-write leaves the old file, and two
        processes saving at once (OBS and the command line) leave one whole store or the
        other, never a mix. A store for this run only writes nothing. The validation record
        ``ddrcore learn`` wrote stays unless a new one is given."""
        if not self.kept:
            return
        validation = validation if validation is not None else self.validation
        labels = [digit for digit, rows in sorted(samples.items()) for _ in rows]
        rows = [row for _, features in sorted(samples.items()) for row in features]
        features = np.stack(rows) if rows else np.zeros((0, FEATURE_SIZE * FEATURE_SIZE), np.float32)
        info: dict[str, object] = {"format": FORMAT_VERSION, "profile": self.profile, "feature_size": FEATURE_SIZE}
        if validation is not None:
            info["validation"] = validation
        meta = json.dumps(info)
        write_atomic(
            self.path,
            lambda file: np.savez(file, features=features, labels=np.array(labels, dtype="<U1"), meta=np.array(meta)),
        )

    def _foreign(self, meta: object, features: np.ndarray, labels: np.ndarray) -> str:
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
            return f"has an unknown format ({meta!r})"
        if meta.get("profile") != self.profile:
            return f"belongs to profile {meta.get('profile')!r}, not {self.profile!r}"
        if meta.get("feature_size") != FEATURE_SIZE or features.ndim != 2 or features.shape[1] != FEATURE_SIZE**2:
            return "was made by another version of the glyph matcher"
        if len(labels) != len(features) or not all(str(label) in "0123456789" and label for label in labels.tolist()):
            return "has labels that are not digits"
        return ""


class LayeredStore:
    """A template file handed to us (``ddrcore learn`` made it; an organiser hands it out),
    read-only, with the user's own store layered over it: what is learned on top goes into
    the user's store, never into the file. Loads as the file's samples, then the user's;
    saves only the samples beyond the file's."""

    def __init__(self, file: TemplateStore, own: TemplateStore) -> None:
        self.file, self.own = file, own
        self.path = own.path  # where learning is written (the file never is)
        self._from_file: dict[str, int] = {}

    @property
    def validation(self) -> dict[str, int] | None:
        return self.file.validation

    def describe(self) -> str:
        return f"template file {self.file.path} (read only), learning into {self.own.describe()}"

    def load(self) -> dict[str, list[Feature]]:
        base = self.file.load()
        self._from_file = {digit: len(rows) for digit, rows in base.items()}
        try:
            own = self.own.load()
        except TemplateStoreError:
            own = {}  # the user's store is theirs to rebuild; the file still reads
        return {digit: [*base.get(digit, []), *own.get(digit, [])] for digit in sorted({*base, *own})}

    def save(self, samples: dict[str, list[Feature]], validation: dict[str, int] | None = None) -> None:
        learned = {digit: rows[self._from_file.get(digit, 0) :] for digit, rows in samples.items()}
        self.own.save({digit: rows for digit, rows in learned.items() if rows})
