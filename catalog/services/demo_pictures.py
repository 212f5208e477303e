"""Pictures for the demo installers, drawn with Pillow when the demo catalog loads (nothing is
downloaded): a logo with the company's initials and three photos of their kind of work. They
go through the same services as an upload (checked, re-encoded, thumbnailed)."""

import hashlib
import random
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from catalog.models import Provider
from catalog.services.images import provider_logo_set, provider_photo_add

PALETTES = [
    ("#0b5d3b", "#f6c343"),
    ("#1e4f8a", "#f59e0b"),
    ("#7c2d12", "#fde68a"),
    ("#134e4a", "#5eead4"),
    ("#3b0764", "#f0abfc"),
    ("#1f2937", "#fbbf24"),
    ("#9a3412", "#fed7aa"),
    ("#0c4a6e", "#7dd3fc"),
]
PHOTO_SIZE = (1200, 800)  # drawn at this size, kept smaller (demo catalogs load often in tests)
STORED_SIZE = (720, 480)
SOLAR_CAPTIONS = ["A finished rooftop array", "Panels on a south-facing roof", "A job at dusk"]
CHARGER_CAPTIONS = ["A wall charger in a garage", "A charger beside the driveway", "A new panel"]


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _initials(name: str) -> str:
    words = [word for word in name.replace(".", " ").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@lru_cache(maxsize=64)
def demo_logo(*, name: str, seed: int) -> bytes:
    """A square logo: a rounded tile in the company's colour, a sun, its initials."""
    ground, sun = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 511, 511), radius=96, fill=ground)
    draw.ellipse((296, 56, 456, 216), fill=sun)
    font = ImageFont.load_default(size=200)
    draw.text((256, 330), _initials(name), font=font, fill="white", anchor="mm")
    return _png(image)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    top = (rng.randint(60, 110), rng.randint(130, 170), rng.randint(200, 240))
    for y in range(height):
        shade = y / height
        colour = tuple(int(c + (255 - c) * shade * 0.6) for c in top)
        draw.line((0, y, width, y), fill=colour)


def _solar_photo(rng: random.Random) -> Image.Image:
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, rng, width, height)
    sun = rng.randint(700, 1000)
    draw.ellipse((sun, 60, sun + 120, 180), fill="#fde68a")
    eave = rng.randint(430, 520)
    draw.rectangle((0, eave, width, height), fill="#d6d3d1")  # the house's wall
    roof = [(80, eave), (1120, eave), (960, eave - 300), (240, eave - 300)]
    draw.polygon(roof, fill="#57534e")
    rows, columns = 3, rng.randint(5, 7)
    for row in range(rows):
        for column in range(columns):
            left = 300 + column * (600 // columns) + row * 18
            top = eave - 280 + row * 88
            panel = (left, top, left + 600 // columns - 10, top + 78)
            draw.rectangle(panel, fill="#1e3a5f", outline="#cbd5e1", width=3)
            draw.line((panel[0], panel[1] + 39, panel[2], panel[1] + 39), fill="#334e73", width=2)
    for window in range(3):
        left = 200 + window * 320
        draw.rectangle((left, eave + 80, left + 160, eave + 200), fill="#93c5fd", outline="white")
    return image


def _charger_photo(rng: random.Random) -> Image.Image:
    width, height = PHOTO_SIZE
    wall = rng.choice(["#e7e5e4", "#f5f5f4", "#e2e8f0"])
    image = Image.new("RGB", PHOTO_SIZE, wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, width, height), fill="#a8a29e")  # the garage floor
    left = rng.randint(380, 620)
    draw.rounded_rectangle((left, 200, left + 200, 480), radius=30, fill="#111827")
    draw.rounded_rectangle((left + 40, 250, left + 160, 300), radius=10, fill="#22c55e")
    draw.line((left + 100, 480, left + 100, 560), fill="#111827", width=14)
    draw.arc((left + 20, 520, left + 260, 700), start=180, end=330, fill="#111827", width=14)
    draw.rectangle((80, 180, 260, 440), fill="#d4d4d8", outline="#71717a", width=6)  # the panel
    return image


def demo_pictures_ensure(*, provider: Provider, solar: bool) -> None:
    """Give a demo installer a drawn logo and three photos, once (a second load keeps them)."""
    seed = int(hashlib.sha256(provider.external_id.encode()).hexdigest()[:8], 16)
    if not provider.logo:
        provider_logo_set(provider=provider, data=demo_logo(name=provider.name, seed=seed))
    if provider.photos.exists():
        return
    captions = SOLAR_CAPTIONS if solar else CHARGER_CAPTIONS
    photos = demo_photos(seed=seed, solar=solar)
    for position, (caption, photo) in enumerate(zip(captions, photos, strict=True)):
        provider_photo_add(provider=provider, data=photo, caption=caption, position=position)


@lru_cache(maxsize=64)
def demo_photos(*, seed: int, solar: bool) -> tuple[bytes, ...]:
    """Three photos of the kind of work, the same for the same seed (drawn once a process)."""
    rng = random.Random(seed)  # noqa: S311 (a drawing's variety, not a secret)
    draw = _solar_photo if solar else _charger_photo
    return tuple(_png(draw(rng).resize(STORED_SIZE, Image.Resampling.BICUBIC)) for _ in range(3))
