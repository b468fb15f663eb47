// The runtime's one allocation hook.
//
// Every object the runtime itself creates for user code -- goroutine and task
// frames, channel objects and their buffers, timer state -- is allocated
// through these two functions. They forward to the C++ heap for now; the
// garbage-collected heap replaces them without touching any caller.
#pragma once
#include <cstddef>

namespace go::detail {

void* alloc(std::size_t size);
void free(void* p, std::size_t size) noexcept;

}  // namespace go::detail
