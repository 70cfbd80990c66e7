#!/usr/bin/env python3
"""Keeps SCRATCHNET_API on every public declaration of include/scratchnet/.

libscratchnet.so (BUILD_SHARED_LIBS=ON) is compiled with hidden visibility and
exports only what carries SCRATCHNET_API (include/scratchnet/core/export.h).
A public function or class without it links in the static build and is
missing from the shared library, so this script finds them:

    scripts/export_macros.py --check    list declarations without the macro (exit 1 if any)
    scripts/export_macros.py            add the macro (and the include of export.h) in place;
                                        then `git clang-format` rewraps the touched lines

What needs it, read from the text (one declaration per statement, as
.clang-format writes them): namespace-scope class and struct definitions
(`class SCRATCHNET_API Name`), namespace-scope function declarations without a
body (`SCRATCHNET_API Type name(...);`, function templates too: their explicit
instantiations in src/ inherit it), and friend functions declared but not
defined inside a class (`friend SCRATCHNET_API bool operator==(...);`).
Inline functions, templates defined in the header, enums, aliases and
constants need nothing.
"""
import argparse
import re
import sys
from pathlib import Path

MACRO = "SCRATCHNET_API"
EXPORT_HEADER = "scratchnet/core/export.h"
EXPORT_INCLUDE = f'#include "{EXPORT_HEADER}"'
NOT_DECLARATIONS = ("template", "inline", "using", "enum", "namespace", "#", "//", "}",
                    "constexpr", "typedef", "static_assert", "class ", "struct ", "friend",
                    "extern \"C\"")


def code_of(line):
    """The line without string and character literals and without its comment."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return line.split("//", 1)[0]


def statement(lines, start):
    """The code from lines[start] up to its ';' or its body's '{' (outside
    parentheses), and the index of the line where it ends."""
    depth = 0
    text = []
    for end in range(start, len(lines)):
        for ch in code_of(lines[end]):
            text.append(ch)
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif depth == 0 and ch in ";{":
                return "".join(text), end
        text.append(" ")
    return "".join(text), len(lines) - 1


def missing_macro(lines):
    """(index, kind) of each line that declares something public without the macro."""
    found = []
    depth = 0        # braces other than namespace braces
    namespaces = []  # per open brace: whether it opened a namespace
    continued = False
    inside_until = -1  # the last line of a declaration already read
    for i, line in enumerate(lines):
        if continued or line.lstrip().startswith("#"):
            continued = line.rstrip().endswith("\\")
            continue
        code = code_of(line)
        if depth == 0 and code.strip() and i > inside_until:
            cls = re.match(r"^(class|struct)\s+(\w+)\b(.*)$", line)
            if cls:
                if cls.group(2) != MACRO and not re.match(r"^\s*;", cls.group(3)):
                    found.append((i, "class"))
            elif not line[0].isspace() and not code.strip().startswith(NOT_DECLARATIONS):
                text, inside_until = statement(lines, i)
                head = text.split("(")[0]
                is_function = ("(" in text and text.rstrip().endswith(";")
                               and ("=" not in head or "operator" in head))
                if is_function and MACRO not in head:
                    found.append((i, "function"))
        elif depth >= 1 and re.match(r"^\s*friend\s", line) and "(" in line:
            text, _ = statement(lines, i)
            if (text.rstrip().endswith(";") and not re.search(r"=\s*default", text)
                    and MACRO not in text.split("(")[0]):
                found.append((i, "friend"))
        for brace in re.findall(r"[{}]", code):
            if brace == "{":
                opens_namespace = depth == 0 and bool(re.match(r"^\s*namespace\b", code))
                namespaces.append(opens_namespace)
                depth += 0 if opens_namespace else 1
            elif not namespaces.pop():
                depth -= 1
    return found


def add_macro(lines, found):
    for i, kind in found:
        line = lines[i]
        if kind == "class":
            lines[i] = re.sub(r"^(class|struct)\s+", rf"\1 {MACRO} ", line, count=1)
        elif kind == "friend":
            lines[i] = re.sub(r"^(\s*)friend\s+", rf"\1friend {MACRO} ", line, count=1)
        else:
            attribute = re.match(r"^(\[\[[^\]]*\]\]\s*)", line)
            cut = attribute.end() if attribute else 0
            lines[i] = line[:cut] + MACRO + " " + line[cut:]
    if EXPORT_INCLUDE in lines:
        return
    # The include, in sorted place among the scratchnet includes, or a block of its own.
    ours = [i for i, l in enumerate(lines) if l.startswith('#include "scratchnet/')]
    if ours:
        at = next((i for i in ours if lines[i] > EXPORT_INCLUDE), ours[-1] + 1)
        lines.insert(at, EXPORT_INCLUDE)
        return
    system = [i for i, l in enumerate(lines) if l.startswith("#include <")]
    at = system[-1] + 1 if system else lines.index("#pragma once") + 1
    while not system and at < len(lines) and lines[at].startswith("//"):
        at += 1  # after the header's comment block
    lines[at:at] = ["", EXPORT_INCLUDE]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only list what lacks the macro")
    parser.add_argument("--include-dir", type=Path,
                        default=Path(__file__).resolve().parent.parent / "include")
    args = parser.parse_args()
    missing = 0
    for header in sorted((args.include_dir / "scratchnet").rglob("*.h")):
        if header.relative_to(args.include_dir).as_posix() == EXPORT_HEADER:
            continue
        lines = header.read_text().split("\n")
        found = missing_macro(lines)
        for i, kind in found:
            print(f"{header}:{i + 1}: {kind} without {MACRO}: {lines[i].strip()}")
        missing += len(found)
        if found and not args.check:
            add_macro(lines, found)
            header.write_text("\n".join(lines))
    if args.check and missing:
        print(f"{missing} public declarations lack {MACRO} (libscratchnet.so would not export "
              f"them): run scripts/export_macros.py, then git clang-format", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
