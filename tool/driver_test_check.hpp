// The driver's test check (driver_test_check.cpp).
#pragma once

namespace gocxx {
class check_registry;
// Registers gocxx-driver-test when GOCXX_DRIVER_TEST_CHECKS=1.
void register_driver_test_check(check_registry& registry);
}  // namespace gocxx
