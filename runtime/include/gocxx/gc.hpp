// The collector's controls and statistics: Go's runtime.GC,
// runtime.ReadMemStats, debug.SetGCPercent and debug.SetMemoryLimit.
#pragma once
#include <array>
#include <cstdint>

namespace go {

struct mem_stats_t {
  std::uint64_t heap_alloc = 0;    // bytes of allocated heap objects (live and not yet swept)
  std::uint64_t heap_objects = 0;  // number of allocated heap objects
  std::uint64_t heap_sys = 0;      // bytes of heap memory obtained from the OS and not returned
  std::uint64_t heap_released = 0; // bytes returned to the OS by the scavenger
  std::uint64_t total_alloc = 0;   // cumulative bytes allocated
  std::uint64_t mallocs = 0;       // cumulative objects allocated
  std::uint64_t frees = 0;         // cumulative objects freed
  std::uint64_t frames = 0;        // goroutine frames currently allocated (included above)
  std::uint32_t num_gc = 0;        // completed cycles
  std::uint32_t num_forced_gc = 0; // cycles started by go::gc
  std::uint64_t pause_total_ns = 0;
  // The last 256 stop-the-world pauses, most recent at pause_ns[(num_pauses + 255) % 256].
  std::array<std::uint64_t, 256> pause_ns{};
  std::uint64_t num_pauses = 0;
  // Per completed cycle, the sum of its stop-the-world pauses (Go's
  // MemStats.PauseNs), most recent at cycle_pause_ns[(num_gc + 255) % 256].
  std::array<std::uint64_t, 256> cycle_pause_ns{};
  std::uint64_t next_gc = 0;       // heap_alloc at which the next cycle starts
  std::uint64_t last_gc_ns = 0;    // when the last cycle finished (nanotime)
  std::int64_t gc_percent = 100;
  std::int64_t memory_limit = 0;   // INT64_MAX: none
};

// runtime.GC(): runs a full cycle and sweeps, blocking the caller.
void gc();

// runtime.ReadMemStats.
mem_stats_t mem_stats();

// debug.SetGCPercent: returns the previous setting; a negative value turns
// the pacer off (the memory limit still applies). The initial value comes
// from GOGC (a number or "off"), else 100.
std::int64_t set_gc_percent(std::int64_t percent);

// debug.SetMemoryLimit: a soft limit on heap memory in bytes; returns the
// previous one. Near the limit the collector runs more often; an allocation
// that cannot be satisfied even after a full collection ends the process
// with "fatal error: out of memory". A negative value only reads the limit.
// The initial value comes from GOMEMLIMIT (bytes, or with a KiB/MiB/GiB
// suffix), else no limit.
std::int64_t set_memory_limit(std::int64_t bytes);

}  // namespace go
