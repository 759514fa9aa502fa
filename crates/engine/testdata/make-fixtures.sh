#!/bin/sh
# Makes the photo fixtures with tools independent of our code (Python's zlib, libjpeg's
# cjpeg, ExifTool), so the tests do not only check our reader against our own writer.
# Needs: python3, cjpeg (libjpeg-turbo-progs), exiftool (libimage-exiftool-perl).
set -eu
cd "$(dirname "$0")"
rm -f camera-gps.jpg camera-gps.png bomb-65mp.png
python3 - <<'PY'
import math, struct, zlib
w, h = 96, 64
rows = []
for y in range(h):
    row = bytearray()
    for x in range(w):
        r = int(127 + 120 * math.sin(x / 9.0) * math.cos(y / 13.0))
        g = int(127 + 120 * math.sin((x + y) / 17.0))
        b = 255 if (x - 60) ** 2 + (y - 25) ** 2 < 150 else int(2 * y)
        row += bytes((r, g, min(b, 255)))
    rows.append(bytes(row))
with open("/tmp/base.ppm", "wb") as f:
    f.write(b"P6 %d %d 255\n" % (w, h) + b"".join(rows))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(b"\0" + r for r in rows), 9)) + chunk(b"IEND", b"")
open("/tmp/base.png", "wb").write(png)
PY
cjpeg -quality 85 /tmp/base.ppm > /tmp/base.jpg
for kind in jpg png; do
  exiftool -q -overwrite_original -o "camera-gps.$kind" \
    -EXIF:DateTimeOriginal='2024:03:05 18:30:15' -EXIF:OffsetTimeOriginal='+01:00' -EXIF:Make=Proofline \
    -EXIF:GPSLatitudeRef=N -EXIF:GPSLatitude=51.5074 -EXIF:GPSLongitudeRef=W -EXIF:GPSLongitude=0.1278 \
    -XMP:GPSLatitude='51.5074 N' -XMP:GPSLongitude='0.1278 W' "/tmp/base.$kind"
done

# A decompression bomb: 10,000 × 6,500 one-bit black pixels (65 megapixels, one more
# than allowed by default) in a few kilobytes.
python3 - <<'PY'
import struct, zlib
w, h = 10000, 6500
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
row = b"\0" + bytes((w + 7) // 8)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(row * h, 9)) + chunk(b"IEND", b"")
open("bomb-65mp.png", "wb").write(png)
PY
