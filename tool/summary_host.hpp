// Cross-unit escape summaries for a host that analyses one unit per process
// -- the compiler plugin (-fplugin-arg-gocxx-summaries=DIR) and the
// clang-tidy module (CheckOptions `gocxx.Summaries: DIR`): before the
// checks, the summaries of DIR that still hold (summary_store.hpp); after
// them, the unit's own, written to DIR. A distributed build thus produces
// the summaries where it compiles, as build outputs.
//
// The unit reads what DIR holds when it is compiled: a unit compiled before
// its callees' units were uses fewer summaries (sound: a call without one
// keeps everything), and the next build, or a `gocxx check --summaries=DIR`
// over the database, goes further.
#pragma once
#include <clang/AST/ASTContext.h>

#include <memory>
#include <string>
#include <vector>

#include "check.hpp"
#include "escape/unit_summaries.hpp"

namespace gocxx {

class unit_summary_host {
 public:
  // A relative DIR is taken from the current directory. With `read` false
  // DIR is only written (-fplugin-arg-gocxx-summaries-out): the unit's
  // summaries are its own, made without the other units' (docs/scale.md:
  // what a build of many thousand units does, where reading every unit's
  // file in every compile would cost more than the compile).
  explicit unit_summary_host(std::string dir, bool read = true);

  // Reads DIR; what could not be read, or no longer holds, is in problems()
  // and notes(). Then hands the summaries to the unit's analysis.
  void prepare(check_context& context);
  // After the checks: when one of them reads summaries (reads_summaries()),
  // the unit's own, written to DIR. False with a message when they could
  // not be written.
  bool finish(clang::ASTContext& ctx, check_context& context, bool wanted, std::string& error);

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::string dir_;
  bool read_;
  std::vector<std::string> problems_;
};

}  // namespace gocxx
