// Each check family registers its checks in one function, defined in
// checks/<family>/register.cpp. Whoever runs checks (the driver,
// tool/driver.cpp) calls register_all_checks() explicitly: static
// initialisers in a static library would be dropped by the linker.
#pragma once

namespace gocxx {

class check_registry;

void register_layout_checks(check_registry& registry);       // checks/layout/register.cpp
void register_escape_checks(check_registry& registry);       // checks/escape/register.cpp
void register_concurrency_checks(check_registry& registry);  // checks/concurrency/register.cpp

// Every family that is built (checks/CMakeLists.txt defines
// GOCXX_HAVE_<FAMILY>_CHECKS for each checks/<family>/register.cpp present).
void register_all_checks(check_registry& registry);

}  // namespace gocxx
