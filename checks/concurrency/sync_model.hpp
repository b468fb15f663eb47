// The concurrency model: what a function and the goroutines it spawns do
// with channels, wait groups and mutexes, as a small program the explorer
// (explorer.hpp) runs in every interleaving.
//
// A body is a function's Clang CFG reduced to its synchronisation
// operations: each CFG block keeps the operations of its statements, in
// evaluation order, and its successors with what decides between them. The
// operands are slots -- the local variables, parameters and captured
// variables that hold a channel, wait group or mutex -- which a goroutine
// binds to objects when it is spawned (captures and arguments) or when it
// runs a make (go::make_chan, a go::wait_group declaration).
//
// What the builder cannot follow -- a handle stored in a field, passed to a
// function it does not model, a channel from a parameter of the analysed
// function -- is an unknown object: an operation on it may complete at any
// time (someone the unit does not show may be on the other side), so it never
// blocks and never yields a finding.
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/Basic/SourceLocation.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gocxx::concurrency {

enum class object_kind : std::uint8_t { chan, wait_group, mutex };

enum class op_kind : std::uint8_t {
  make_chan,   // slot = go::make_chan<T>(capacity)
  make_nil,    // slot = a nil channel (a default-constructed handle)
  make_timer,  // slot = go::after(d): one value, some time later
  make_wait_group,
  make_mutex,
  make_unknown,  // slot = something the model does not follow
  copy,          // slot = other slot (a handle copy: the same object)
  send,
  recv,  // recv() and recv_ok()
  next,  // next(): a value, or the end once closed and drained
  close,
  select,  // cases[]; has_default
  spawn,   // body `callee`, bindings[]: callee slot <- this slot
  wg_add,  // amount (may be negative)
  wg_done,
  wg_wait,
  lock,
  unlock,
  escape,  // the slot's object becomes unknown from here on
};

struct select_case {
  bool is_send = false;
  int slot = -1;  // -1: a channel the model does not follow (always ready)
  clang::SourceLocation loc;
};

struct op {
  op_kind kind;
  int slot = -1;                              // the operand; -1: unknown
  int other = -1;                             // copy: the source slot
  int capacity = 0;                           // make_chan
  int amount = 0;                             // wg_add
  int callee = -1;                            // spawn: index into program::bodies
  std::vector<std::pair<int, int>> bindings;  // spawn: (callee slot, caller slot)
  std::vector<select_case> cases;             // select
  bool has_default = false;                   // select
  bool imprecise = false;                     // inside a loop whose trip count is unknown
  clang::SourceLocation loc;
  std::string text;  // the operand as written ('c', 'wg'), for messages
};

// How a block with several successors picks one.
enum class branch_kind : std::uint8_t {
  none,           // one successor (or none: the exit)
  any,            // a condition the model does not evaluate: every successor
  constant,       // `taken` is the successor always taken
  counted,        // a loop run `trips` times: successor 0 while counting
  last_ok,        // successor 0 when the block's last next()/recv_ok() got a value
  last_not_ok,    // the negation
  select_switch,  // switch on the block's select: case_index -> successor
};

struct block {
  std::vector<op> ops;
  std::vector<int> succs;  // -1: an unreachable successor
  branch_kind branch = branch_kind::none;
  int taken = 0;                               // constant
  int trips = 0;                               // counted
  std::vector<std::pair<int, int>> case_succ;  // select_switch: (case index, successor); -1 index: default
  int default_succ = -1;                       // select_switch: the switch's default label
  // any: the condition tests a variable that keeps its value (a parameter
  // or a local never assigned again): body::cond_vars[cond_key], negated
  // or not; branches on the same variable agree along a path.
  int cond_key = -1;
  bool cond_negated = false;
};

struct body {
  const clang::Decl* decl = nullptr;  // the function or lambda operator()
  std::string name;                   // for messages
  std::vector<block> blocks;
  int entry = 0;
  int exit = 0;
  std::vector<const clang::ValueDecl*> slots;  // the variables behind the slots
  std::vector<std::string> slot_names;
  std::vector<const clang::ValueDecl*> cond_vars;  // block::cond_key
};

// A root function and every body it can spawn (transitively).
struct program {
  std::vector<body> bodies;  // bodies[0] is the root
  bool usable = true;        // false: a construct the builder cannot model
  std::string why_not;
};

}  // namespace gocxx::concurrency
