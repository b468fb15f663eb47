// Pattern: the function run by sync.Once calls, indirectly, the same Once.Do
//   again: the inner Do waits for the outer one to finish, forever.
// Source: https://github.com/AvengeMedia/dankcalendar/issues/109 ("re-entrant
//   sync.Once in dankgo/log": GetLogger's once-func calls SetLogFile(), which
//   calls GetLogger() again); https://pkg.go.dev/sync#Once.Do ("if f causes Do
//   to be called, it will deadlock")
// Goes wrong: get_logger() -> once -> set_log_file() -> get_logger() -> once:
//   deadlock.
// Fix: inside the once-function, configure the logger being built directly.
// EXPECT: gocxx-leak-once-recursive line 27
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

struct logger {
  std::string file = "stderr";
};

go::once logger_once;
logger* the_logger = nullptr;
const char* log_file_env = "/tmp/app.log";  // DANKCAL_LOG_FILE

go::task<> set_log_file(std::string path);

go::task<logger*> get_logger() {
  co_await logger_once.call([]() -> go::task<> {
    the_logger = new logger;
    if (log_file_env) co_await set_log_file(log_file_env);
  });
  co_return the_logger;
}

go::task<> set_log_file(std::string path) {
  logger* l = co_await get_logger();
  l->file = std::move(path);
}

int main() {
  return go::run([]() -> go::task<> {
    logger* l = co_await get_logger();
    std::printf("logging to %s\n", l->file.c_str());
  });
}
