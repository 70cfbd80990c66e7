#!/usr/bin/python3
"""Images decoded and resized per second: scratchnet's image-folder loader
against Pillow doing the same work, at 1 and 2 workers, on the same files.

    /usr/bin/python3 bench/image_decode.py [--build build] [--repeats 3]

Makes folders of synthetic photo-like images under /tmp (kept between
runs): 400 JPEGs of 320x240 and 200 of 640x480 (quality 90, 4:2:0), 400 PNGs
of 256x256, RGB, in 4 classes. Each is loaded at 128x128 RGB (seed 003's
input size):

  scratchnet  build/bench/image_load: load_image_folder, WORKERS threads
              (read, libjpeg-turbo / libspng decode, area-filter resize,
              planes into one byte array)
  pillow      Image.open + convert("RGB") + resize((128, 128), Image.BOX)
              + numpy array, in-process for 1 worker, a multiprocessing Pool
              of N processes otherwise (workers return a checksum only, which
              spares Pillow the copy of the pixels back)

Both shrink both axes, where Pillow's BOX filter is the area filter; the
640x480 JPEGs let scratchnet decode at half size (ShrinkHint), which Pillow
does only when asked (Image.draft). Best of --repeats runs each, files in
the page cache. Prints a table: wall-clock images/s at 1 and 2 workers, and
at 1 worker the CPU milliseconds per image (process time: less disturbed
when other work shares the machine).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from multiprocessing import Pool

import numpy as np
from PIL import Image

SIZE = (128, 128)


def make_folder(root, ext, width, height, count, seed):
    if os.path.isdir(root) and sum(len(f) for _, _, f in os.walk(root)) == count:
        return
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    for i in range(count):
        cls = os.path.join(root, f"class{i % 4}")
        os.makedirs(cls, exist_ok=True)
        # Smooth colour fields plus noise: compresses like a photo, not like a flat test card.
        a, b, c = rng.uniform(0.01, 0.08, 3)
        img = np.stack([128 + 100 * np.sin(a * x + b * y + k) for k in range(3)], axis=-1)
        img += rng.normal(0, 12, img.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        im = Image.fromarray(img, "RGB")
        path = os.path.join(cls, f"{i:04d}{ext}")
        if ext == ".jpg":
            im.save(path, quality=90, subsampling=2)
        else:
            im.save(path)


def pillow_one(path):
    with Image.open(path) as im:
        arr = np.asarray(im.convert("RGB").resize(SIZE, Image.BOX))
    return int(arr[0, 0, 0])


def files_of(root):
    out = []
    for cls in sorted(os.listdir(root)):
        for f in sorted(os.listdir(os.path.join(root, cls))):
            out.append(os.path.join(root, cls, f))
    return out


def pillow_rate(root, workers, repeats):
    """(images per second, CPU seconds per image or None for a pool)."""
    files = files_of(root)
    best, best_cpu = float("inf"), None
    pool = Pool(workers) if workers > 1 else None
    try:
        for _ in range(repeats):
            start, cpu = time.perf_counter(), time.process_time()
            if pool:
                pool.map(pillow_one, files, chunksize=8)
            else:
                for f in files:
                    pillow_one(f)
            seconds = time.perf_counter() - start
            if seconds < best:
                best = seconds
                best_cpu = None if pool else (time.process_time() - cpu) / len(files)
    finally:
        if pool:
            pool.close()
            pool.join()
    return len(files) / best, best_cpu


def scratchnet_rate(binary, root, workers, repeats):
    out = subprocess.run([binary, root, str(SIZE[1]), str(SIZE[0]), str(workers), str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["images_per_second"], result["cpu_seconds"] / result["images"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/scratchnet-image-bench")
    args = parser.parse_args()
    subprocess.run(["cmake", "--build", args.build, "--target", "image_load"], check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(args.build, "bench", "image_load")
    sets = [("jpeg 320x240", os.path.join(args.dir, "jpeg"), ".jpg", 320, 240, 400),
            ("jpeg 640x480", os.path.join(args.dir, "jpeg-640"), ".jpg", 640, 480, 200),
            ("png 256x256", os.path.join(args.dir, "png"), ".png", 256, 256, 400)]
    print(f"decode + resize to {SIZE[0]}x{SIZE[1]} RGB (best of {args.repeats}); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'files':<14}{'workers':>8}{'scratchnet/s':>14}{'pillow/s':>10}{'ratio':>8}"
          f"{'cpu ms/img':>12}{'pillow':>8}{'ratio':>8}")
    results = []
    for name, root, ext, w, h, count in sets:
        make_folder(root, ext, w, h, count, seed=w)
        for workers in (1, 2):
            ours, our_cpu = scratchnet_rate(binary, root, workers, args.repeats)
            theirs, their_cpu = pillow_rate(root, workers, args.repeats)
            results.append({"files": name, "workers": workers, "scratchnet": ours,
                            "pillow": theirs, "scratchnet_cpu_ms": our_cpu * 1e3,
                            "pillow_cpu_ms": their_cpu * 1e3 if their_cpu else None})
            line = f"{name:<14}{workers:>8}{ours:>14.0f}{theirs:>10.0f}{ours / theirs:>7.2f}x"
            if their_cpu:
                line += f"{our_cpu * 1e3:>12.2f}{their_cpu * 1e3:>8.2f}{their_cpu / our_cpu:>7.2f}x"
            print(line)
            sys.stdout.flush()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
