// Size classes of the GC heap: Go's table (runtime/sizeclasses.go). Objects
// up to 32 KiB are rounded up to one of 67 classes; each class carves spans
// of a fixed number of 8 KiB pages into equal slots. The table keeps the
// rounding waste at or below 12.5%; the page count of each class is chosen
// the same way Go's generator chooses it, so that the tail a span cannot use
// is at most an eighth of the span.
#pragma once
#include <cstddef>
#include <cstdint>

namespace go::detail {

constexpr std::size_t kPageShift = 13;
constexpr std::size_t kPageSize = std::size_t(1) << kPageShift;  // 8 KiB
constexpr std::size_t kMaxSmallSize = 32768;
constexpr int kNumSizeClasses = 68;  // class 0 stands for "large"
constexpr std::size_t kTinySize = 16;
constexpr std::size_t kMaxObjectsPerSpan = kPageSize / 8;  // class 1 (8 bytes) in one page

struct size_class_info {
  std::uint32_t size;    // slot size in bytes
  std::uint32_t npages;  // pages per span
  std::uint32_t nelems;  // slots per span
  std::uint32_t div_magic;  // (offset * div_magic) >> 32 == offset / size, for offsets within a span
};

extern size_class_info class_info[kNumSizeClasses];

// The class of a small request (1..kMaxSmallSize bytes).
int size_to_class(std::size_t bytes) noexcept;

}  // namespace go::detail
