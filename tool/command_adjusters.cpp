#include "command_adjusters.hpp"

namespace gocxx {

namespace {

clang::tooling::CommandLineArguments strip_chatty_flags(const clang::tooling::CommandLineArguments& args,
                                                        llvm::StringRef) {
  auto chatty = [](llvm::StringRef a) {
    return a == "-v" || a == "--verbose" || a == "-###" || a == "-H" || a == "--trace-includes" ||
           a == "-ftime-report" || a.starts_with("-ftime-report=") || a == "-print-stats";
  };
  clang::tooling::CommandLineArguments out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (chatty(args[i])) continue;
    if (args[i] == "-Xclang" && i + 1 < args.size() && chatty(args[i + 1])) {
      ++i;
      continue;
    }
    out.push_back(args[i]);
  }
  return out;
}

}  // namespace

clang::tooling::ArgumentsAdjuster analysis_arguments_adjuster() {
  return clang::tooling::combineAdjusters(
      clang::tooling::getInsertArgumentAdjuster(clang::tooling::CommandLineArguments{"-w", "-fno-caret-diagnostics"},
                                                clang::tooling::ArgumentInsertPosition::END),
      strip_chatty_flags);
}

}  // namespace gocxx
