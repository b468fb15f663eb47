// The libraries built with this gocxx binary, for `gocxx
// --print-tidy-module` and `gocxx --print-plugin`: found from where the running binary is, in the
// build tree (<build>/tool/gocxx beside <build>/integrations/...) and after
// `cmake --install` (<prefix>/bin/gocxx beside <prefix>/lib/gocxx/...).
#pragma once
#include <string>

namespace gocxx {

enum class companion { tidy_module, compiler_plugin };

// The absolute path of the library, or empty when neither place has it.
std::string companion_library(companion which);

// What it is, for messages: "the clang-tidy module", "the compiler plugin".
std::string companion_name(companion which);

}  // namespace gocxx
