// The goroutine leak profile: Go 1.26's goroutineleak profile (Go design
// 74609) for gocxx.
//
// A goroutine parked on a channel, a select, or a sync primitive can run
// again only if something that still runs -- another goroutine, a thread, a
// timer -- can reach what it waits on. go::leak_profile() runs a collection
// that finds the goroutines for which nothing can: they are leaked, blocked
// forever, and keep their frames and everything those reach alive.
//
// The profile is sound, not complete: a goroutine that could still be woken
// is never reported; a leaked one may go unreported. Where the collector
// cannot tell, the primitive counts as reachable: a primitive outside the GC
// heap (a global, a thread stack, malloc'd memory) or inside a goroutine
// frame, and a channel whose handle lives in malloc'd memory (a
// std::vector<go::chan<T>>, a lambda in a std::function, a context, an
// armed timer), which is a root of the collector. docs/runtime.md has the
// details.
#pragma once
#include <cstdint>
#include <source_location>
#include <string>
#include <vector>

namespace go {

struct leaked_goroutine {
  std::uint64_t id = 0;
  std::string wait_reason;          // Go's words: "chan send", "select", "sync.Mutex.Lock", ...
  std::source_location wait_site;   // the co_await it is parked in
  std::source_location spawn_site;  // the go::spawn (or go::run) that started it
};

// Runs a full collection that also finds leaked goroutines (blocking the
// caller, like go::gc()) and returns them by id. Callable from goroutines
// and from threads; outside go::run it finds none.
std::vector<leaked_goroutine> leak_profile();

}  // namespace go
