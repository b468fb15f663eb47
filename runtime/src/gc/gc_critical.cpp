// Critical sections (see gc_critical.hpp).
#include "gc_critical.hpp"

namespace go::detail {

thread_local gc_thread_flags tl_gc_flags;

}  // namespace go::detail

