#pragma once
// Cooperative interruption. A SIGINT/SIGTERM handler (installed by the tool)
// sets a flag; long loops (training steps, experiment runs) poll it and stop
// at a clean point, throwing an Error of kind kInterrupted.

namespace scratchnet {

// Installs handlers for SIGINT and SIGTERM that request an interrupt. A
// second signal while one is pending restores the default action, so a
// repeated Ctrl-C always ends the process.
void install_interrupt_handlers();
void request_interrupt();
bool interrupt_requested();
void clear_interrupt();

}  // namespace scratchnet
