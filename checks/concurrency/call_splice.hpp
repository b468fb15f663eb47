// Calls into the unit's own functions, read as the callee's body spliced in
// where the call is: the model's interprocedural step. The builder reads a
// call as a `call` operation (the callee's body built once, on its own);
// this replaces each one by a copy of the callee's blocks, so that every
// call site runs the callee's operations with its own bindings and its own
// tests of the callee's variables.
#pragma once
#include "sync_model.hpp"

namespace gocxx::concurrency {

// Replaces every `call` operation of `caller` (not in prog yet) by the body
// prog.bodies[op.callee], which holds no call of its own:
// - the block holding the call ends there and goes to the callee's entry,
//   its parameters bound first (op.bindings, copies of the arguments);
// - the callee's exit goes to a new block with the rest of the operations
//   and the old successors, where reference parameters are copied back
//   (op.copy_back);
// - callee slots are mapped to caller slots: a global to the caller's slot
//   for it, a field of a bound base (op.bases) to the caller's field of that
//   base, the result to op.result, anything else to a fresh slot.
// A call inside a loop of unknown trip count makes the spliced operations
// imprecise as well.
void splice_calls(body& caller, const program& prog);

// Whether v is a global: its one object is shared by every body.
bool is_global(const clang::ValueDecl* v);

}  // namespace gocxx::concurrency
