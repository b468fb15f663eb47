// The type-independent core of a channel (Go's hchan) and its waiter records
// (Go's sudog). chan.cpp and select.cpp implement the algorithms once, moving
// elements through an elem_ops table; chan.hpp adds the typed surface.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/detail/spinlock.hpp"

namespace go::detail {

class hchan_base;

// A goroutine waiting on one channel: a blocked send or receive, or one case
// of a blocked select. It lives in the waiting coroutine's frame.
struct sudog {
  g* gp = nullptr;
  void* elem = nullptr;  // value to send, or where to receive (nullptr: discard)
  sudog* prev = nullptr;
  sudog* next = nullptr;
  hchan_base* c = nullptr;
  std::int32_t case_index = 0;
  bool is_select = false;
  bool is_send = false;  // waits on sendq (else recvq)
  bool queued = false;   // on c's recvq or sendq
  bool success = false;  // true: completed by a send/receive; false: by close
};

// FIFO of sudogs, doubly linked so that a select can leave every queue it
// joined in O(1).
struct waitq {
  sudog* first = nullptr;
  sudog* last = nullptr;

  void enqueue(sudog* s) noexcept;
  // Removes and returns the first waiter still interested: select waiters
  // whose select another channel already won are dropped on the way.
  sudog* dequeue() noexcept;
  void remove(sudog* s) noexcept;
};

// How a channel moves values of its element type. Trivially copyable
// elements are moved with memcpy and buffer slots are not reset after a
// receive (they hold no resources), which keeps indirect calls off the
// fast paths.
struct elem_ops {
  void (*move_assign)(void* dst, void* src);  // *dst = std::move(*src)
  void (*reset)(void* p);                     // *p = T{} (Go's zero value)
  bool trivial;                               // trivially copyable
};

class hchan_base {
 public:
  hchan_base(std::size_t cap, void* buf, std::size_t elemsize, const elem_ops* ops) noexcept
      : dataqsiz_(cap), buf_(static_cast<unsigned char*>(buf)), elemsize_(elemsize), ops_(ops) {}

  std::size_t len() const noexcept { return qcount_.load(std::memory_order_relaxed); }
  std::size_t cap() const noexcept { return dataqsiz_; }

  // --- Send / receive, split at the point where the goroutine parks. ---
  // try_*: completes the operation if it can without blocking (returns true,
  // lock released); otherwise returns false with the lock held, and the
  // caller either parks with park_* (which releases it) or, for a
  // non-blocking attempt, calls unlock().
  bool try_send(void* src, const std::source_location& where);
  bool try_recv(void* dst, bool* ok) noexcept;
  void park_send(sudog* s, void* src, std::coroutine_handle<> h, const std::source_location& where) noexcept;
  void park_recv(sudog* s, void* dst, std::coroutine_handle<> h, const std::source_location& where) noexcept;
  // Takes an abandoned waiter (its frame is being destroyed) off the queues.
  void cancel_wait(sudog* s) noexcept;
  void close(const std::source_location& where);

  void lock() noexcept { lock_.lock(); }
  void unlock() noexcept { lock_.unlock(); }

  // --- Pieces used by select, all with the lock held. ---
  bool closed_locked() const noexcept { return closed_; }
  bool recv_ready_locked(void* dst, bool* ok, g** wake) noexcept;
  bool send_ready_locked(void* src, g** wake) noexcept;
  waitq& recvq() noexcept { return recvq_; }
  waitq& sendq() noexcept { return sendq_; }

 protected:
  ~hchan_base() = default;

 private:
  void* slot(std::size_t i) const noexcept { return buf_ + i * elemsize_; }
  void move_elem(void* dst, void* src) const noexcept;
  void clear_slot(void* slot) const noexcept;
  void set_qcount(std::size_t n) noexcept { qcount_.store(n, std::memory_order_relaxed); }
  void recv_from_sender_locked(sudog* s, void* dst) noexcept;

  spinlock lock_;
  bool closed_ = false;  // beside the lock: the two share one padded word
  std::atomic<std::size_t> qcount_{0};
  const std::size_t dataqsiz_;
  unsigned char* const buf_;
  const std::size_t elemsize_;
  const elem_ops* const ops_;
  std::size_t sendx_ = 0;
  std::size_t recvx_ = 0;
  waitq recvq_;
  waitq sendq_;
};

// Send without blocking (used by timers): false if it would block.
bool try_send_nonblocking(hchan_base* c, void* src);

[[noreturn]] void panic_runtime(const char* msg);
[[noreturn]] void panic_runtime(const char* msg, const std::source_location& where);

}  // namespace go::detail
