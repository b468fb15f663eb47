// The allocation hook (see gocxx/detail/alloc.hpp): the C++ heap until the
// garbage-collected heap takes over.
#include <new>

#include "gocxx/detail/alloc.hpp"

namespace go::detail {

void* alloc(std::size_t size) { return ::operator new(size); }

void free(void* p, std::size_t size) noexcept { ::operator delete(p, size); }

}  // namespace go::detail
