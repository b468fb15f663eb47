// go::select: Go's select statement.
//
//   switch (co_await go::select(go::on_recv(a, &v), go::on_send(b, 1), go::on_default())) { ... }
//
// The result is the position of the chosen case among the arguments, or
// go::select_default. Among ready cases one is chosen uniformly at random;
// without a ready case and without on_default the goroutine waits on every
// channel at once until exactly one of them completes its case.
#pragma once
#include <array>
#include <cstdint>
#include <source_location>
#include <tuple>
#include <type_traits>

#include "gocxx/chan.hpp"

namespace go {

inline constexpr int select_default = -1;

namespace detail {

// One case, type-erased for the algorithm in select.cpp.
struct scase {
  hchan_base* c = nullptr;  // nullptr: nil channel (never ready) or default
  void* elem = nullptr;
  bool is_send = false;
};

// The awaiter's storage, handed to select.cpp.
struct select_state {
  scase* cases;
  sudog* sudogs;
  std::uint16_t* pollorder;
  std::uint16_t* lockorder;
  int ncases;
  int nactive = 0;  // cases with a non-nil channel
  bool has_default = false;
  bool recv_ok = false;
  bool parked = false;
};

inline constexpr int select_must_block = -2;
inline constexpr int select_blocks_forever = -3;

// Pass 1: the chosen case, select_default, or select_must_block with every
// channel locked, or select_blocks_forever.
int select_try(select_state& st, const std::source_location& where);
// Pass 2: joins every channel's queue, then unlocks them.
void select_park(select_state& st, std::coroutine_handle<> h, const std::source_location& where) noexcept;
// Pass 3, after wake-up: leaves the other queues; returns the case that fired.
int select_finish(select_state& st, const std::source_location& where);
// An abandoned (destroyed) parked select leaves the queues it joined.
void select_cancel(select_state& st) noexcept;

template <class T>
struct recv_case {
  chan_ref<T> ch;
  T* out;
  bool* ok;
};
template <class T>
struct send_case {
  chan_ref<T> ch;
  T value;
};
struct default_case {};

template <class... Cases>
class select_awaiter {
  static constexpr std::size_t N = sizeof...(Cases);

 public:
  explicit select_awaiter(Cases... cs, const std::source_location& where) : cases_(std::move(cs)...), where_(where) {
    fill(std::make_index_sequence<N>{});
    st_ = select_state{scases_.data(), sudogs_.data(), pollorder_.data(), lockorder_.data(), static_cast<int>(N)};
    st_.has_default = (std::is_same_v<Cases, default_case> || ...);
  }
  select_awaiter(const select_awaiter&) = delete;
  ~select_awaiter() {
    if (st_.parked) select_cancel(st_);
  }

  bool await_ready() {
    chosen_ = select_try(st_, where_);
    return chosen_ != select_must_block && chosen_ != select_blocks_forever;
  }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    // Every channel is nil (or there are no cases): nothing can complete it.
    if (chosen_ == select_blocks_forever) {
      if constexpr (N == 0)
        return park_current(h, wait_reason::select_no_cases, where_, wait_target{});
      else
        return park_current(h, wait_reason::select, where_, wait_target{.cases = scases_.data(), .ncases = N});
    }
    select_park(st_, h, where_);
  }
  int await_resume() {
    if (chosen_ == select_must_block) chosen_ = select_finish(st_, where_);
    if (chosen_ >= 0 && oks_[chosen_]) *oks_[chosen_] = st_.recv_ok;
    return chosen_;
  }

 private:
  template <std::size_t... I>
  void fill(std::index_sequence<I...>) {
    (describe(I, std::get<I>(cases_)), ...);
  }
  template <class T>
  void describe(std::size_t i, recv_case<T>& rc) {
    scases_[i] = scase{rc.ch.raw(), rc.out, false};
    oks_[i] = rc.ok;
  }
  template <class T>
  void describe(std::size_t i, send_case<T>& sc) {
    scases_[i] = scase{sc.ch.raw(), &sc.value, true};
  }
  void describe(std::size_t, default_case&) {}

  std::tuple<Cases...> cases_;
  std::array<scase, N> scases_{};
  std::array<bool*, N> oks_{};
  std::array<sudog, N> sudogs_{};
  std::array<std::uint16_t, N> pollorder_{};
  std::array<std::uint16_t, N> lockorder_{};
  select_state st_;
  int chosen_ = select_must_block;
  std::source_location where_;
};

}  // namespace detail

// case v, ok := <-ch   (out and ok may be null)
template <class T>
detail::recv_case<T> on_recv(const recv_chan<T>& ch, std::type_identity_t<T>* out = nullptr, bool* ok = nullptr) {
  return {ch, out, ok};
}
template <class T>
detail::recv_case<T> on_recv(const chan<T>& ch, std::type_identity_t<T>* out = nullptr, bool* ok = nullptr) {
  return {ch, out, ok};
}
// A pointer of another type for out gives one line instead of "no matching
// function" (a Go programmer writes `var x int64; case x = <-ch` freely).
template <class T, class U>
  requires(!std::is_convertible_v<U*, T*>)
detail::recv_case<T> on_recv(const recv_chan<T>& ch, U* /*out*/, bool* ok = nullptr) {
  static_assert(std::is_convertible_v<U*, T*>,
                "go::on_recv(ch, &out): out must point to a variable of the channel's element type");
  return {ch, nullptr, ok};
}
template <class T, class U>
  requires(!std::is_convertible_v<U*, T*>)
detail::recv_case<T> on_recv(const chan<T>& ch, U* out, bool* ok = nullptr) {
  return on_recv(recv_chan<T>(ch), out, ok);
}
// case ch <- v
template <class T>
detail::send_case<T> on_send(const send_chan<T>& ch, std::type_identity_t<T> v) {
  return {ch, std::move(v)};
}
template <class T>
detail::send_case<T> on_send(const chan<T>& ch, std::type_identity_t<T> v) {
  return {ch, std::move(v)};
}
// default:
inline detail::default_case on_default() { return {}; }

// select is a class template (like spawn) so that the call site is recorded
// for the deadlock and leak reports; use it like a function.
template <class... Cases>
struct select : detail::select_awaiter<Cases...> {
  explicit select(Cases... cs, std::source_location where = std::source_location::current())
      : detail::select_awaiter<Cases...>(std::move(cs)..., where) {}
};
template <class... Cases>
select(Cases...) -> select<Cases...>;

}  // namespace go
