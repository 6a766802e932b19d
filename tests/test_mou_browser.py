"""The HTML MOU checked in a real browser: headless Debian chromium takes a screenshot (no driver, no
network) and the PNG must be a rendered page, with the page's own colours on it.

Skipped only when chromium is absent and CI is unset; `.ci/run` installs chromium, so in CI it runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, run_cli
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it; apt-get install chromium)")

NHS_BLUE = (0x00, 0x5E, 0xB8)
STAMP_RED = (0xD5, 0x28, 0x1B)


def screenshot(page: Path, tmp_path: Path) -> Image.Image:
    assert CHROMIUM is not None, "chromium must be installed in CI"
    png = tmp_path / f"{page.stem}.png"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--screenshot={png}",
               "--window-size=1200,1600", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]
    image = Image.open(png)
    image.load()
    return image.convert("RGB")


def rgb(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_html_mou_renders_in_chromium(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "status: signed", "status: draft")
    out = tmp_path / "out"
    assert run_cli("mou", "render", str(repo), "--all", "--format", "html", "--out", str(out)).exit_code == 0

    signed = screenshot(out / "mou-QHM-2024.html", tmp_path)
    assert signed.size == (1200, 1600)
    pixels = rgb(signed)
    colours = signed.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 100, "a blank or uniform screenshot"
    inked = sum(1 for p in pixels if sum(p) < 600) / len(pixels)
    assert 0.02 < inked < 0.6, f"{inked:.1%} of the page is ink: not a rendered document"
    blue = sum(1 for p in pixels if near(p, NHS_BLUE))
    assert blue > 2000, "the page's headings and table header (NHS blue) are not visible: CSS not applied?"
    assert not any(near(p, STAMP_RED, 10) for p in pixels[: 1200 * 300]), "a signed MOU carries no stamp"

    draft = screenshot(out / "mou-QOQ-2024.html", tmp_path)
    top = rgb(draft.crop((0, 0, 1200, 300)))
    assert sum(1 for p in top if near(p, STAMP_RED, 10)) > 500, "the DRAFT stamp is not visible at the top"


def test_a_script_in_a_name_is_text_to_the_browser(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    hostile = "<script>document.body.setAttribute('data-pwned', '1')</script> & Søn"
    edit(repo, "organisations/providers.yaml", "name: Gateshead Health NHS Foundation Trust", f'name: "{hostile}"')
    out = tmp_path / "out"
    assert run_cli("mou", "render", str(repo), "--icb", "QHM", "--format", "html", "--out", str(out)).exit_code == 0
    assert CHROMIUM is not None, "chromium must be installed in CI"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         (out / "mou-QHM-2024.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<h2>Oversight arrangements</h2>" in dom
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0], "the script in the name ran"
    assert "&lt;script&gt;document.body.setAttribute('data-pwned', '1')&lt;/script&gt; &amp; Søn (RR7)" in dom
