"""Screenshots compared with a tolerance: small enough for antialiasing and a
glyph edge moved by a fraction of a pixel, not for a lane, a mark or a colour.

A pixel of one image is *out* when some channel lies more than ``TOLERANCE``
outside the range that channel takes in the 3×3 neighbourhood of the same pixel
in the other image (both ways round). A glyph drawn a third of a pixel to the
side keeps its pixels inside their neighbours' range; a mark in another colour
does not. The images differ when more than ``SHARE`` of their pixels are out.

Measured on the ten recorded documents (tests/fixtures/runs/, 1068 px wide):
text moved by 0.35 px and the axis font grown 2 % put 4-30 pixels out (at most
0.009 %); swapping the first two process colours put 166-17,105 out (at least
0.049 %). ``SHARE`` sits between them with a margin of about 2× on each side.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

TOLERANCE = 64  # of 255, per channel, beyond the neighbourhood's range
SHARE = 0.0002  # 0.02 % of the pixels


@dataclass
class Difference:
    size: tuple[int, int]
    other_size: tuple[int, int]
    out: int  # pixels out of tolerance (0 when the sizes differ)

    @property
    def same(self) -> bool:
        return self.size == self.other_size and self.out <= SHARE * self.size[0] * self.size[1]

    def __str__(self) -> str:
        if self.size != self.other_size:
            (w, h), (rw, rh) = self.other_size, self.size
            return f"size {w}×{h}, reference {rw}×{rh}"
        total = self.size[0] * self.size[1]
        return (f"{self.out} of {total} pixels differ ({self.out / total:.3%}; "
                f"at most {SHARE:.2%} allowed)")


def _out(reference: Image.Image, image: Image.Image) -> Image.Image:
    """255 where ``image`` leaves the range of ``reference``'s neighbourhood."""
    low = reference.filter(ImageFilter.MinFilter(3))
    high = reference.filter(ImageFilter.MaxFilter(3))
    beyond = ImageChops.lighter(ImageChops.subtract(low, image), ImageChops.subtract(image, high))
    red, green, blue = beyond.split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return most.point(lambda v: 255 if v > TOLERANCE else 0)


def compare(reference_png: bytes, png: bytes) -> Difference:
    reference = Image.open(io.BytesIO(reference_png)).convert("RGB")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if reference.size != image.size:
        return Difference(reference.size, image.size, 0)
    out = ImageChops.lighter(_out(reference, image), _out(image, reference))
    return Difference(reference.size, image.size, out.histogram()[255])
