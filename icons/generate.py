#!/usr/bin/env python3
"""Draws Messagerie's icon (a white envelope on the ENT blue) and writes every size Tauri bundles.

No image library needed: PNG is written with zlib, .ico and .icns embed those PNGs.
Run from anywhere: python3 icons/generate.py
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
BLUE = (0x2A, 0x9C, 0xC8)
WHITE = (0xFF, 0xFF, 0xFF)
LINE = (0x1B, 0x6E, 0x8F)


def pixel(x, y, n):
    """RGBA of pixel (x, y) of an n×n icon, with 4× supersampling at the edges."""
    acc = [0.0, 0.0, 0.0, 0.0]
    for sy in range(4):
        for sx in range(4):
            u = (x + (sx + 0.5) / 4) / n
            v = (y + (sy + 0.5) / 4) / n
            rgba = sample(u, v)
            a = rgba[3] / 255
            for i in range(3):
                acc[i] += rgba[i] * a
            acc[3] += a
    if acc[3] == 0:
        return (0, 0, 0, 0)
    return tuple(round(c / acc[3]) for c in acc[:3]) + (round(acc[3] / 16 * 255),)


def sample(u, v):
    # Rounded square background.
    r = 0.18
    cx, cy = min(max(u, r), 1 - r), min(max(v, r), 1 - r)
    if math.hypot(u - cx, v - cy) > r:
        return (0, 0, 0, 0)
    # Envelope body.
    left, right, top, bottom = 0.2, 0.8, 0.3, 0.72
    if left <= u <= right and top <= v <= bottom:
        # The flap: two lines from the top corners to the centre.
        mid = (left + right) / 2
        flap_v = top + (0.52 - top) * (1 - abs(u - mid) / (mid - left))
        if abs(v - flap_v) < 0.025:
            return LINE + (255,)
        return WHITE + (255,)
    return BLUE + (255,)


def png(n):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, n)) for x in range(n)) for y in range(n)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for n, blob in images:
        size = 0 if n >= 256 else n
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(blob), offset + len(data))
        data += blob
    return header + entries + data


def icns(images):
    body = b"".join(kind + struct.pack(">I", len(blob) + 8) + blob for kind, blob in images)
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main():
    cache = {}

    def get(n):
        if n not in cache:
            cache[n] = png(n)
        return cache[n]

    # The hicolor theme sizes a Linux desktop looks for (menu, dock, alt-tab, HiDPI), which the
    # .deb and .rpm install under /usr/share/icons/hicolor/<n>x<n>/apps/, then the other
    # platforms' (Windows tiles, macOS @2x).
    outputs = {
        "16x16.png": 16,
        "24x24.png": 24,
        "32x32.png": 32,
        "48x48.png": 48,
        "256x256.png": 256,
        "512x512.png": 512,
        "64x64.png": 64,
        "128x128.png": 128,
        "128x128@2x.png": 256,
        "icon.png": 512,
        "Square30x30Logo.png": 30,
        "Square44x44Logo.png": 44,
        "Square71x71Logo.png": 71,
        "Square89x89Logo.png": 89,
        "Square107x107Logo.png": 107,
        "Square142x142Logo.png": 142,
        "Square150x150Logo.png": 150,
        "Square284x284Logo.png": 284,
        "Square310x310Logo.png": 310,
        "StoreLogo.png": 50,
    }
    for name, n in outputs.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(get(n))
    with open(os.path.join(HERE, "icon.ico"), "wb") as f:
        f.write(ico([(n, get(n)) for n in (16, 24, 32, 48, 64, 256)]))
    with open(os.path.join(HERE, "icon.icns"), "wb") as f:
        f.write(icns([(b"ic07", get(128)), (b"ic08", get(256)), (b"ic09", get(512))]))


if __name__ == "__main__":
    main()
