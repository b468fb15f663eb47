// The explorer's state: where each goroutine is and what each object holds.
// Two states are the same state when their encodings are equal (encode()):
// the search keys its visited set on it.
#pragma once
#include <clang/Basic/SourceLocation.h>
#include <llvm/ADT/SmallVector.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sync_model.hpp"

namespace gocxx::concurrency {

struct object_state {
  object_kind kind = object_kind::chan;
  bool unknown = false;
  bool nil = false;
  bool closed = false;
  bool timer = false;  // the channel of go::after, a go::timer or a go::ticker (ticker)
  bool ticker = false;
  bool armed = false;  // a go::timer not yet fired or stopped; a go::ticker not stopped
  // An unbuffered channel some goroutine sends on in a loop of unknown trip
  // count (a generator): how many values go through is not known, so its
  // sends complete as assumptions and a receive gets a value (also an
  // assumption) while another live goroutine holds it; whether it is closed
  // is known. Only a next() loop over it that nothing can end is reported.
  bool uncounted = false;
  bool shared = false;  // held by a second goroutine at some point
  int cap = 0;
  int count = 0;                                // channel: buffered values; wait group: the counter
  int holder = -1;                              // mutex: the goroutine holding it (a writer, for an rwmutex)
  std::uint64_t readers = 0;                    // rwmutex: read locks held, 4 bits per goroutine (max_goroutines <= 16)
  bool external = false;                        // a global another unit can name
  int lock_frame = -1;                          // mutex: the call (op::frame) whose lock took it
  unsigned lock_loc = 0;                        // and where (a raw source location)
  unsigned fix_at = 0;                          // chan: op::fix_at of its make (raw), 0: none
  const clang::FunctionDecl* origin = nullptr;  // the function whose code made it (op::origin)
  std::uint32_t senders = 0;                    // chan: the goroutines that have sent on it, one bit each
  // chan, once closed: who closed it, where (raw), and whether that
  // goroutine never sends on it (a receiver's close: chan-close-by-receiver).
  int closer = -1;
  // chan, the done() of a context: the context above it (-1: none, or
  // go::background()), and whether it has a deadline.
  int parent = -1;
  bool deadline = false;
  bool context = false;
  // cond: its mutex, the goroutines waiting for a signal (oldest first), and
  // those signalled that have not locked the mutex again yet (bits).
  int cond_mutex = -1;
  std::vector<std::uint8_t> waiters;
  std::uint32_t signalled = 0;
  unsigned close_loc = 0;
  bool closed_by_receiver = false;
};

struct goroutine {
  int body = 0;
  int block = 0;
  size_t index = 0;
  bool done = false;
  // Small vectors: the search copies a state (every goroutine) for each
  // transition it tries, and most states are seen before; inline storage
  // spares those copies their allocations.
  llvm::SmallVector<int, 8> env;                     // per slot: an object index; -1: unknown or unbound
  llvm::SmallVector<std::pair<int, int>, 2> loops;   // counted loops: (header block, iterations so far)
  int last_ok = -1;                                  // the last next()/recv_ok(): 1 a value, 0 closed, -1 unknown
  int last_select = -2;                              // the last select's case (-1: default)
  llvm::SmallVector<std::pair<int, bool>, 4> facts;  // (body::cond_vars index, its truth) decided on this path
  clang::SourceLocation spawned_at;
  // settle() took a branch that assumes (block::assumes); the explorer
  // moves it into the state's `assumed` and clears it.
  bool took_assumption = false;
  // At a cond's wait(): it has unlocked the mutex and waits (for a signal,
  // then for the mutex).
  bool in_wait = false;
};

struct state {
  std::vector<object_state> objs;
  std::vector<goroutine> gs;
  // The path here completed a blocking operation on an unknown object: that
  // it could is an assumption, so nothing found from here is reported.
  bool assumed = false;
};

// A byte string equal for equal states (every field the search depends on).
std::string encode(const state& s);

// Drops the objects no goroutine can reach any more (no slot of a goroutine,
// live or done, holds them, nor a context or cond that is reached) and
// renumbers the others in order: a loop that makes an object on every turn
// (a timer, a channel) then comes back to a state it has seen.
void drop_unreachable(state& s);

// Appends v to a key (encode(), and the positions settle() has taken).
void put(std::string& out, long v);

}  // namespace gocxx::concurrency
