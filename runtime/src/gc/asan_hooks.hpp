// AddressSanitizer's manual poisoning, for memory the GC heap manages
// itself: freed objects and free frame slots are poisoned, so that a use
// after the collector (or a frame's owner) freed them is reported.
#pragma once
#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOCXX_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define GOCXX_ASAN 1
#endif

#ifdef GOCXX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace go::detail {
inline void poison(const void* p, std::size_t n) noexcept {
#ifdef GOCXX_ASAN
  ASAN_POISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}
inline void unpoison(const void* p, std::size_t n) noexcept {
#ifdef GOCXX_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}
// LeakSanitizer does not look inside memory the program maps itself: the
// heap's pages are declared as a root region as they come into use, so that
// C++ heap blocks owned by GC objects (a std::string member) are not
// reported as leaked at exit.
inline void leak_check_root(const void* p, std::size_t n) noexcept {
#ifdef GOCXX_ASAN
  __lsan_register_root_region(p, n);
#else
  (void)p, (void)n;
#endif
}
}  // namespace go::detail
