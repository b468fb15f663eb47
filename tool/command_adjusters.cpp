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

// A precompiled header is the build compiler's cache, not part of the
// program: one made by another compiler (or version), by the build in
// another configuration, or not made yet, stops the analysis with "not a
// valid precompiled header", and one that loads would still be the build's
// snapshot of headers the analysis should read as they are now. So gocxx
// parses the headers themselves, as clangd does: -include-pch X goes (alone
// or after -Xclang; CMake writes `-Xclang -include-pch -Xclang X.pch -Xclang
// -include -Xclang X`, and the -include that follows names the header), and
// the driver's -include X becomes cc1's, which does not look for X.pch beside
// X (the driver does, and takes whatever it finds). The unit that makes
// the PCH is analysed without making it.
clang::tooling::CommandLineArguments strip_precompiled_headers(const clang::tooling::CommandLineArguments& args,
                                                               llvm::StringRef) {
  clang::tooling::CommandLineArguments out;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    bool xclang = a == "-Xclang" && i + 1 < args.size();
    llvm::StringRef flag = xclang ? llvm::StringRef(args[i + 1]) : a;
    if (flag == "-include-pch") {
      // The file name is the next argument, after its own -Xclang if the
      // flag had one.
      i += xclang ? 3 : 1;
      continue;
    }
    if (flag == "-emit-pch") {  // the unit that makes the PCH (CMake's cmake_pch.hxx.cxx) only reads it
      i += xclang ? 1 : 0;
      continue;
    }
    llvm::StringRef header = a;
    if (!xclang && header.consume_front("-include") && !header.starts_with("-")) {
      if (header.empty()) {
        if (i + 1 >= args.size()) {
          out.push_back(args[i]);  // the driver reports the missing argument
          continue;
        }
        header = args[++i];
      }
      out.insert(out.end(), {"-Xclang", "-include", "-Xclang", header.str()});
      continue;
    }
    out.push_back(args[i]);
    if (xclang) out.push_back(args[++i]);
  }
  return out;
}

}  // namespace

clang::tooling::ArgumentsAdjuster analysis_arguments_adjuster() {
  return clang::tooling::combineAdjusters(
      clang::tooling::combineAdjusters(clang::tooling::getInsertArgumentAdjuster(
                                           clang::tooling::CommandLineArguments{"-w", "-fno-caret-diagnostics"},
                                           clang::tooling::ArgumentInsertPosition::END),
                                       strip_chatty_flags),
      strip_precompiled_headers);
}

}  // namespace gocxx
