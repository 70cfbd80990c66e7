#pragma once
// SCRATCHNET_API marks the library's public classes and functions: the ABI a
// program links against. The library is compiled with hidden visibility, so
// libscratchnet.so (BUILD_SHARED_LIBS=ON) exports only what carries the mark,
// and its internals (src/ helpers, anonymous namespaces) stay private to it.
// Classes carry it too so that their typeinfo is shared: an Error thrown
// inside the library is caught by type in the program. In the static library
// the mark changes nothing for the link. scripts/export_macros.py adds it where
// it is missing; the test public_api_exported fails until it is there.

#if defined(__GNUC__) || defined(__clang__)
#define SCRATCHNET_API __attribute__((visibility("default")))
#else
#define SCRATCHNET_API
#endif
