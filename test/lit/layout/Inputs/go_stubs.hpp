// Just enough of the gocxx runtime's names for the layout checks' tests.
#pragma once
#include <atomic>
#include <cstddef>
namespace go {
template <class T> class ptr { T* p_ = nullptr; public: T* operator->() const { return p_; } };
template <class T> class slice { T* data_ = nullptr; std::size_t len_ = 0, cap_ = 0; };
template <class K, class V> class map { void* h_ = nullptr; };
template <class T> class chan { void* h_ = nullptr; };
template <class T = void> struct task {};
class mutex { std::atomic<int> state_{0}; std::atomic<unsigned> sema_{0}; };
class rwmutex { mutex w_; std::atomic<int> readers_{0}, waiting_{0}; };
class wait_group { std::atomic<long> state_{0}; };
template <class F, class... Args> void spawn(F fn, Args... args) { (void)fn; ((void)args, ...); }
}  // namespace go
