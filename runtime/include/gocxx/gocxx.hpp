// gocxx: Go's goroutines, channels, select, timers, sync and context for C++20.
// The contract is docs/runtime.md (and ../shared/design/runtime-api.md).
#pragma once

#include "gocxx/blocking.hpp"
#include "gocxx/chan.hpp"
#include "gocxx/cond.hpp"
#include "gocxx/context.hpp"
#include "gocxx/duration.hpp"
#include "gocxx/error.hpp"
#include "gocxx/gc.hpp"
#include "gocxx/leak_profile.hpp"
#include "gocxx/map.hpp"
#include "gocxx/mutex.hpp"
#include "gocxx/once.hpp"
#include "gocxx/panic.hpp"
#include "gocxx/ptr.hpp"
#include "gocxx/rwmutex.hpp"
#include "gocxx/select.hpp"
#include "gocxx/slice.hpp"
#include "gocxx/spawn.hpp"
#include "gocxx/task.hpp"
#include "gocxx/time.hpp"
#include "gocxx/wait_group.hpp"
