"""Score regions: pixel rectangles, and fractions of a frame that scale to any size."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import RegionError


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle in pixels: top-left corner (x, y), width w, height h."""

    x: int
    y: int
    w: int
    h: int

    @classmethod
    def parse(cls, text: str) -> Region:
        """Parse ``"X,Y,W,H"`` (integers, pixels)."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise RegionError(f"region {text!r} must be X,Y,W,H (four integers)")
        try:
            x, y, w, h = (int(p) for p in parts)
        except ValueError:
            raise RegionError(f"region {text!r} must be X,Y,W,H (four integers)") from None
        return cls(x, y, w, h)

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"

    def union(self, other: Region) -> Region:
        """The smallest region holding both."""
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Region(x, y, max(self.x + self.w, other.x + other.w) - x, max(self.y + self.h, other.y + other.h) - y)

    def moved(self, dx: int, dy: int) -> Region:
        return Region(self.x + dx, self.y + dy, self.w, self.h)

    def check_inside(self, width: int, height: int, name: str = "region") -> None:
        """Raise RegionError unless the region is non-empty and inside a width x height frame."""
        if self.w <= 0 or self.h <= 0:
            raise RegionError(f"{name} {self} has zero size: width and height must be positive")
        if self.x < 0 or self.y < 0 or self.x + self.w > width or self.y + self.h > height:
            raise RegionError(f"{name} {self} lies outside the {width}x{height} frame")


@dataclass(frozen=True, slots=True)
class RelativeRegion:
    """A rectangle as fractions (0..1) of the frame's width and height."""

    x: float
    y: float
    w: float
    h: float

    def to_pixels(self, width: int, height: int) -> Region:
        return Region(round(self.x * width), round(self.y * height), round(self.w * width), round(self.h * height))
