// panic_message(fn): runs fn, which must panic (throw go::panic_error), and
// returns the panic's message; a test failure if it does not panic.
#pragma once

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <string>

namespace gotest {

template <class F>
std::string panic_message(F&& fn) {
  try {
    fn();
  } catch (const go::panic_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no panic";
  return {};
}

}  // namespace gotest
