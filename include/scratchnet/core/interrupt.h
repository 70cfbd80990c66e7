#pragma once
// Cooperative interruption. A SIGINT/SIGTERM handler (installed by the tool)
// sets a flag; long loops (training steps, experiment runs) poll it and stop
// at a clean point, throwing an Error of kind kInterrupted.

#include "scratchnet/core/export.h"

namespace scratchnet {

// Installs handlers for SIGINT and SIGTERM that request an interrupt. A
// second signal while one is pending restores the default action, so a
// repeated Ctrl-C always ends the process.
SCRATCHNET_API void install_interrupt_handlers();
SCRATCHNET_API void request_interrupt();
SCRATCHNET_API bool interrupt_requested();
SCRATCHNET_API void clear_interrupt();

}  // namespace scratchnet
