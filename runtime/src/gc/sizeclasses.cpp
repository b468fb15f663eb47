#include "sizeclasses.hpp"

#include <array>

namespace go::detail {
namespace {

// Go 1.19's class sizes (runtime/sizeclasses.go, class_to_size).
constexpr std::array<std::uint32_t, kNumSizeClasses> kClassSizes = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,   176,
    192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,   512,   576,
    640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304,  2688,  3072,
    3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728,  10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

// Lookup tables by request size: 8-byte steps up to 1024, 128-byte steps above.
constexpr std::size_t kSmallMax = 1024;
std::array<std::uint8_t, kSmallMax / 8 + 1> small_lookup;
std::array<std::uint8_t, (kMaxSmallSize - kSmallMax) / 128 + 1> large_lookup;

// Go's generator: the fewest pages whose unusable tail is at most 1/8 of the span.
std::uint32_t pages_for(std::uint32_t size) {
  for (std::uint32_t n = 1;; ++n) {
    const std::size_t span = n * kPageSize;
    if (span >= size && span % size <= span / 8) return n;
  }
}

struct table_init {
  table_init() {
    for (int c = 1; c < kNumSizeClasses; ++c) {
      size_class_info& ci = class_info[c];
      ci.size = kClassSizes[c];
      ci.npages = pages_for(ci.size);
      ci.nelems = static_cast<std::uint32_t>(ci.npages * kPageSize / ci.size);
      // ceil(2^32 / size) divides exactly for every offset below npages*8KiB (< 2^18).
      ci.div_magic = static_cast<std::uint32_t>(((std::uint64_t(1) << 32) + ci.size - 1) / ci.size);
    }
    int c = 1;
    for (std::size_t i = 0; i < small_lookup.size(); ++i) {
      const std::size_t bytes = i * 8;
      while (kClassSizes[c] < bytes) ++c;
      small_lookup[i] = static_cast<std::uint8_t>(c);
    }
    for (std::size_t i = 0; i < large_lookup.size(); ++i) {
      const std::size_t bytes = kSmallMax + i * 128;
      while (kClassSizes[c] < bytes) ++c;
      large_lookup[i] = static_cast<std::uint8_t>(c);
    }
  }
};

}  // namespace

size_class_info class_info[kNumSizeClasses];
// Before any other static initialiser of the runtime can allocate.
[[gnu::init_priority(101)]] static table_init init_tables;

int size_to_class(std::size_t bytes) noexcept {
  if (bytes <= kSmallMax) return small_lookup[(bytes + 7) / 8];
  return large_lookup[(bytes - kSmallMax + 127) / 128];
}

}  // namespace go::detail
