// The concurrency model: what a function and the goroutines it spawns do
// with channels, wait groups and mutexes, as a small program the explorer
// (explorer.hpp) runs in every interleaving.
//
// A body is a function's Clang CFG reduced to its synchronisation
// operations: each CFG block keeps the operations of its statements, in
// evaluation order, and its successors with what decides between them. The
// operands are slots -- the variables (local, parameter, captured, global)
// that hold a channel, wait group or mutex, and the handle fields of a
// variable's object or of *this -- which a goroutine binds to objects when
// it is spawned (captures and arguments) or when it runs a make
// (go::make_chan, a go::wait_group declaration).
//
// A call to a function the unit defines is read as that function's body,
// spliced in where the call is (call_splice.hpp): its parameters bound to
// the arguments, its fields of *this to the object's, its result to the
// call's value, so a helper that locks, a generator that returns a channel
// or a method that closes a field are followed into.
//
// A bool variable or field is a flag: its constant assignments are
// followed, so that `if (stopped) return; stopped = true; c.close();` run
// twice closes once. A flag assigned anything else is of unknown value;
// one whose address is taken escapes like a handle.
//
// What the builder cannot follow -- a handle passed to a function it does
// not model, a channel from a parameter of the analysed function, a global
// when the analysed function is not main -- is an unknown object: an
// operation on it may complete at any time (someone the unit does not show
// may be on the other side), so it never blocks and never yields a finding.
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/Basic/SourceLocation.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gocxx::concurrency {

enum class object_kind : std::uint8_t { chan, wait_group, mutex, rwmutex, flag, cond, once };

// What a slot stands for: a variable (`var`), a handle field of the object
// a variable holds or points to (`var` and `field`; a null `var` is *this),
// the function's result, or nothing nameable (a temporary: go::after(...)
// as a select case, a spliced callee's local) -- such a slot is never the
// same as another.
struct slot_key {
  const clang::ValueDecl* var = nullptr;
  const clang::FieldDecl* field = nullptr;
  bool result = false;

  bool nameable() const { return var || field || result; }
  // A global declared twice (`extern go::mutex mu;` and its definition) is
  // one variable: declarations compare by their first one.
  bool operator==(const slot_key& o) const {
    return canonical(var) == canonical(o.var) && field == o.field && result == o.result;
  }
  static const clang::ValueDecl* canonical(const clang::ValueDecl* d) {
    if (const auto* v = llvm::dyn_cast_or_null<clang::VarDecl>(d)) return v->getCanonicalDecl();
    return d;
  }
};

enum class op_kind : std::uint8_t {
  make_chan,   // slot = go::make_chan<T>(capacity)
  make_nil,    // slot = a nil channel (a default-constructed handle)
  make_timer,  // slot = go::after(d) (amount 0): one value, some time later; a go::timer (1), a go::ticker (2)
  make_wait_group,
  make_mutex,
  make_rwmutex,
  make_unknown,  // slot = something the model does not follow
  make_flag,     // slot = a new bool: amount 0 or 1, -1 unknown
  make_context,  // slot = a context, child of `other`'s (-1: of go::background()); amount 1: it has a deadline
  cancel,        // the slot's context is cancelled: its done() closes, and its children's
  make_cond,     // slot = a go::cond on the mutex in `other`
  cond_wait,     // unlocks the cond's mutex, waits for a signal, locks it again
  cond_signal,   // wakes the goroutine that has waited longest, if any
  cond_broadcast,
  make_once,    // slot = a go::once not yet run
  once_enter,   // once.call(): last_ok 1 when done (skip the function), else 0 and the goroutine runs it (others wait)
  once_exit,    // the function has returned: done, and the waiting goroutines skip it
  timer_stop,   // the slot's timer or ticker stops; a timer's stop() result (it was pending) is the last_ok
  timer_reset,  // the slot's timer or ticker runs again (a value already buffered stays, as in Go 1.19)
  set_flag,     // the slot's bool = amount (0, 1; -1 unknown)
  copy,         // slot = other slot (a handle copy: the same object)
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
  rlock,  // a reader's lock of an rwmutex
  runlock,
  escape,          // the slot's object becomes unknown from here on
  escape_globals,  // a call the model does not see into: every global another unit can name becomes unknown
  call,            // spliced away by the builder (call_splice.hpp); never explored
};

// Whether an operation of kind k makes a new object (or goroutine).
inline bool makes_object(op_kind k) {
  switch (k) {
    case op_kind::make_chan:
    case op_kind::make_nil:
    case op_kind::make_timer:
    case op_kind::make_wait_group:
    case op_kind::make_mutex:
    case op_kind::make_rwmutex:
    case op_kind::make_flag:
    case op_kind::make_context:
    case op_kind::make_cond:
    case op_kind::make_once:
    case op_kind::spawn: return true;
    default: return false;
  }
}

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
  bool external = false;                      // make_*: a global another unit can name (escape_globals)
  int frame = 0;                              // the call it runs in (body::frame_parent)
  clang::SourceLocation fix_at;               // make_chan with no capacity: where `1` would go
  bool literal = false;                       // spawn: of a lambda written at the spawn
  // send, recv: a statement of its own, `co_await c.send(v);` -- the range of
  // the co_await, and the select case that does the same (`go::on_send(c,
  // v)`): a select on ctx.done() can take its place (blocked_findings.cpp).
  clang::SourceRange statement;
  std::string as_case;
  const clang::FunctionDecl* origin = nullptr;  // the function whose code the operation is
  // call: the caller's slot that takes the callee's result (-1: none), the
  // reference parameters copied back after the call (caller slot, callee
  // slot), and whose fields the callee's field slots are (callee base ->
  // caller base; a null base is *this).
  int result = -1;
  std::vector<std::pair<int, int>> copy_back;
  std::vector<std::pair<const clang::ValueDecl*, const clang::ValueDecl*>> bases;
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
  flag_test,      // successor 0 when the bool in flag_slot is true (cond_negated: false); either when unknown
  index_test,     // successor 0 when `index_op(i, index_value)` holds, i the index of counted loop index_loop
};

struct block {
  std::vector<op> ops;
  std::vector<int> succs;  // -1: an unreachable successor
  branch_kind branch = branch_kind::none;
  int taken = 0;                               // constant
  int trips = 0;                               // counted
  std::vector<std::pair<int, int>> case_succ;  // select_switch: (case index, successor); -1 index: default
  int default_succ = -1;                       // select_switch: the switch's default label
  int flag_slot = -1;                          // flag_test
  // counted: the loop's index variable and its first value. index_test:
  // the loop (its header block) whose index is compared, that first value,
  // the comparison and the constant it compares with.
  const clang::VarDecl* loop_index = nullptr;
  int index_from = 0;
  int index_loop = -1;
  clang::BinaryOperatorKind index_op = clang::BO_EQ;
  int index_value = 0;
  const clang::VarDecl* index_var = nullptr;  // until resolve_index_tests()
  // any: the condition reads state of an object or a global the model does
  // not track (a counter, an atomic): whichever way it goes is an
  // assumption -- two calls of `if (left_.fetch_sub(1) == 1) c.close();`
  // do not both close -- and nothing found past it is reported, when its
  // ways (the blocks before they meet again) make objects or touch one of
  // arm_slots the goroutine holds known.
  bool assumes = false;
  bool arm_makes = false;
  std::vector<int> arm_slots;
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
  std::vector<slot_key> slots;  // what the slots stand for
  std::vector<std::string> slot_names;
  std::vector<const clang::ValueDecl*> cond_vars;  // block::cond_key
  // The calls spliced into the body, as a tree: frame_parent[f] is the
  // frame whose call made f (frame 0, the body's own, has none): whether a
  // lock's function is still running where the lock is taken again.
  std::vector<int> frame_parent{-1};
  // Where a statement can go first in the body -- just after its `{` -- and
  // the indentation of a line there (fix-its that add a go::defer); invalid
  // when the body is not a braced block written outside a macro.
  clang::SourceLocation entry_at;
  std::string entry_indent;

  // The slot standing for `key`, added (named `name`) if there is none; an
  // unnameable key always gets a slot of its own.
  int slot(const slot_key& key, const std::string& name);
  // The slot standing for `key`; -1 if there is none.
  int find(const slot_key& key) const;
};

// A root function and every body it can spawn (transitively).
struct program {
  std::vector<body> bodies;  // bodies[0] is the root
  bool usable = true;        // false: a construct the builder cannot model
  std::string why_not;
};

}  // namespace gocxx::concurrency
