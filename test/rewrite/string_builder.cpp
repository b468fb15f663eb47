// string_builder: ports Go code built around a *Builder (`b := &Builder{}`;
// `b.WriteString(s)`; `return b.String()`), the strings.Builder idiom. The
// rewrite should move the builders of join() and repeat() and the
// per-iteration line builder of table(); it must keep the builder that
// new_report() returns and the builders registered in a package-level
// go::map by register_log().
// fixes: 3
// moved: 6
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>
#include <string_view>

struct builder {
  std::string buf;
  int writes = 0;
  void write(std::string_view s) {
    buf.append(s.data(), s.size());
    ++writes;
  }
  void write_int(long v) {
    char tmp[24];
    int n = std::snprintf(tmp, sizeof tmp, "%ld", v);
    buf.append(tmp, static_cast<std::size_t>(n));
    ++writes;
  }
};

go::map<std::string, go::ptr<builder>> logs;  // package-level registry

std::string join(go::slice<std::string_view> parts, std::string_view sep) {
  auto b = go::new_<builder>();  // moved
  for (std::size_t i = 0; i < parts.len(); ++i) {
    if (i > 0) b->write(sep);
    b->write(parts[i]);
  }
  return b->buf;
}

std::string repeat(std::string_view s, int n) {
  auto b = go::new_<builder>();  // moved
  for (int i = 0; i < n; ++i) b->write(s);
  return b->buf;
}

std::string table(int rows) {
  std::string out;
  for (int r = 1; r <= rows; ++r) {
    auto line = go::new_<builder>();  // moved, each iteration
    line->write_int(r);
    line->write(" squared is ");
    line->write_int(static_cast<long>(r) * r);
    out += line->buf;
    out += '\n';
  }
  return out;
}

// Returned: escapes.
go::ptr<builder> new_report(std::string_view title) {
  auto b = go::new_<builder>();
  b->write("== ");
  b->write(title);
  b->write(" ==\n");
  return b;
}

// Registered in the package-level map: escapes.
void register_log(const std::string& name) {
  if (logs == nullptr) logs = go::make_map<std::string, go::ptr<builder>>();
  auto b = go::new_<builder>();
  b->write(name);
  b->write(": ");
  logs.set(name, b);
}

int main() {
  go::slice<std::string_view> words{"alpha", "beta", "gamma"};
  std::printf("%s\n", join(words, ", ").c_str());
  std::printf("%s|\n", repeat("ab", 3).c_str());
  std::printf("%s", table(3).c_str());
  auto rep = new_report("summary");
  rep->write(join(words, "+"));
  std::printf("%s (%d writes)\n", rep->buf.c_str(), rep->writes);
  register_log("audit");
  register_log("errors");
  (*logs.get("audit"))->write("ok");
  std::printf("logs: %zu, audit=\"%s\"\n", logs.len(), (*logs.get("audit"))->buf.c_str());
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
