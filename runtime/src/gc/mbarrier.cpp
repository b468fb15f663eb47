// The write barrier (Go's mbarrier.go): how the program's pointer stores
// keep the concurrent marker from freeing a live object. The fast path, a
// relaxed load of gc_barrier_on, is inlined from gocxx/detail/mbarrier.hpp;
// this file is what runs while the collector marks.
//
// The barrier is Go 1.8's hybrid barrier (Go proposal 17503, "Eliminate STW
// stack re-scanning"): a Yuasa deletion barrier and a Dijkstra insertion
// barrier together. Every store of a handle does
//
//     shade(*slot); shade(ptr); *slot = ptr
//
// where shading greys a white object (marks it and queues it for scanning).
// Stores to goroutine frames (locals, temporaries) and to raw pointers run no
// barrier, as Go's stack writes run none.
//
// Invariants while marking:
//   * No black object and no scanned goroutine points to a white object
//     unless that object is still reachable from a grey one through white
//     objects (the weak tri-colour invariant).
//   * A goroutine's frames are scanned as a unit once per cycle, while it
//     rests (mgcmark.cpp); from then on the goroutine counts as black and is
//     not scanned again, however it changes its frames.
//   * Objects allocated while marking are black, and a goroutine spawned
//     while marking is scanned as it is created.
//
// Why both shades, and why that spares re-scanning goroutines:
//   * The deletion half (shade the old value). A goroutine already scanned
//     can load a pointer to a white object from the heap into its frame and
//     then overwrite the heap slot. Its frame is black and will not be looked
//     at again, so without this shade the object would be freed while the
//     goroutine still uses it. Go 1.5-1.7 had only the insertion half and
//     re-scanned every stack with the world stopped to catch this case; the
//     deletion half greys the object at the moment its last heap path goes,
//     so every object reachable when marking began stays reachable.
//   * The insertion half (shade the new value). A goroutine not scanned yet
//     can hold the only pointer to a white object in its frame, store it
//     into a black object and drop it from the frame before its scan: no
//     heap slot that held it was overwritten, so only shading the stored
//     value sees it. Go's proposal shades it only while the storing
//     goroutine is unscanned; Go and gocxx shade it always, which is cheaper
//     than finding out.
//   * A handle's constructor is an insertion (the copy may land in a scanned
//     frame or a black object) and its destructor a deletion (the slot stops
//     holding the pointer): both shade (gocxx/detail/traced.hpp).
//   * The runtime's own copies between goroutines are shaded word by word
//     (gc_shade_range): a channel element moved from a sender's frame to a
//     buffer or a receiver's frame (chan.cpp), a memmove of slice elements
//     that may hold raw pointers (gocxx/slice.hpp), as Go's typedmemmove
//     runs its bulk barrier.
//
// What is still scanned twice, with the world stopped at the start and at
// the end of marking: thread stacks and registers. They are not goroutine
// frames: a running goroutine keeps transient pointers in its worker's
// registers and stack, and code outside goroutines keeps raw pointers no
// barrier sees. Their size grows with the number of threads, not of
// goroutines or of the heap, so those pauses stay short. A goroutine that
// never rests while the collector marks is scanned in the final pause too.
#include "gocxx/detail/mbarrier.hpp"

#include "gc_critical.hpp"
#include "mcache.hpp"
#include "mgc.hpp"
#include "mgcmark.hpp"

namespace go::detail {

std::atomic<bool> gc_barrier_on{false};

// Inside a critical section: the grey object goes onto this thread's work
// buffer, which a stop must not find half pushed.
void gc_shade_slow(const void* p) noexcept {
  critical_section cs;
  gc_work& gcw = current_mcache()->gcw;
  shade_word(reinterpret_cast<std::uintptr_t>(p), gcw);
  // The collector is looking for the end of marking: it must see this grey
  // object in the global list, not in a buffer it does not look into.
  if (gc_flush_requested.load(std::memory_order_relaxed)) gcw.flush();
}

void gc_shade_range(const void* p, std::size_t bytes) noexcept {
  if (!gc_barrier_on.load(std::memory_order_relaxed)) return;
  critical_section cs;
  const auto lo = reinterpret_cast<std::uintptr_t>(p);
  scan_words(lo, lo + bytes, current_mcache()->gcw);
}

}  // namespace go::detail
