// Join proofs for gocxx-escape-dangling: whether every goroutine a function
// spawns while a local is alive has finished with it before the local's
// scope ends. A proof is built from patterns whose meaning the runtime fixes:
//
// - a wait group (go::wait_group, or a latch type: std::latch and the
//   configured ones, whose constructor sets the count and whose count_down()
//   is done()): every spawn is covered by an add (or the latch's count) made
//   before it, each goroutine calls done() exactly once on every path as its
//   last use of the caller's memory, and every path from a spawn to the end
//   of the local's scope waits on it;
// - a channel: one goroutine, not spawned in a loop, whose last act on every
//   path is one send on (or the close of) a channel only it signals and the
//   function only receives from, and every path from the spawn to the end of
//   the scope receives from it.
//
// Anything else -- a spawn in a branch the count does not follow, a join
// object passed elsewhere, a signal with a use after it, a goroutine the
// unit does not define -- is not a proof; the verdict says why.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/Basic/SourceLocation.h>

#include <string>
#include <map>
#include <memory>
#include <vector>

namespace gocxx::concurrency {

struct join_verdict {
  bool proven = false;
  std::string why_not;          // when not proven: what defeats the proof
  clang::SourceLocation where;  // ... and where
};

namespace join_detail {
class prover;
}

// Join proofs over one unit: each function's CFG and what each of its
// goroutines signals are read once, however many of its locals are asked
// about.
class join_prover {
 public:
  // `latch_types`: the fully qualified names of the types to treat as
  // latches, besides std::latch.
  join_prover(clang::ASTContext& ctx, std::vector<std::string> latch_types);
  ~join_prover();  // out of line: prover is complete only there
  join_prover(const join_prover&) = delete;
  join_prover& operator=(const join_prover&) = delete;

  // Whether every goroutine `fn` spawns (directly) while `var` is alive has
  // finished using the caller's memory before `var`'s scope ends.
  join_verdict prove(const clang::FunctionDecl* fn, const clang::VarDecl* var);

 private:
  clang::ASTContext& ctx_;
  std::vector<std::string> latch_types_;
  std::map<const clang::FunctionDecl*, std::unique_ptr<join_detail::prover>> provers_;
};

// The functions (lambda call operators included) `fn` spawns directly as
// goroutines that the unit defines: their leak summaries must show that
// they keep no address of the caller's memory beyond their own run.
std::vector<const clang::FunctionDecl*> spawned_bodies(clang::ASTContext& ctx, const clang::FunctionDecl* fn);

}  // namespace gocxx::concurrency
