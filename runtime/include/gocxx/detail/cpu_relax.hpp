// cpu_relax: the body of a spin-wait loop (Go's procyield, which issues
// PAUSE on amd64 and YIELD on arm64).
//
// It tells the core that the thread is spinning: a sibling hyper-thread
// gets the execution units, and leaving the loop when the awaited word
// changes costs no pipeline flush. Elsewhere it is only a compiler barrier,
// which still makes the loop reload the word it waits on.
#pragma once

namespace go::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();  // _mm_pause without <immintrin.h> in every user of this header
#elif defined(__aarch64__)
  __asm__ __volatile__("yield" ::: "memory");
#else
  __asm__ __volatile__("" ::: "memory");
#endif
}

}  // namespace go::detail
