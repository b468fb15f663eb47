// The gocxx driver as a function, so that the driver tests' binary can run
// it with a check of its own registered (test/driver_check/).
#pragma once

namespace gocxx {

class check_registry;

// Runs gocxx with argv; `register_extra_checks` (may be null) adds checks
// after every family's. Returns the exit status.
int run_driver(int argc, const char* const* argv, void (*register_extra_checks)(check_registry&));

}  // namespace gocxx
