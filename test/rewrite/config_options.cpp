// config_options: ports Go's option/config structs and functional options
// (`c := &Config{Port: 8080}; for _, o := range opts { o(c) }`). The rewrite
// should move the config that summary() builds with option lambdas (a
// template over the options), the override struct of effective_port() and
// the brace-initialised aggregate of describe_default(); it must keep the
// config build() returns and the defaults stored in a package-level var.
// fixes: 3
// moved: 4
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

struct config {
  const char* host = "localhost";  // not a std::string_view: gocxx counts one with a default initialiser as escaping
  int port = 8080;
  int retries = 3;
  bool tls = false;
  double timeout_s = 1.5;
};

struct overrides {
  int port = 0;  // 0: keep
  int retries = -1;
};

go::ptr<config> defaults;  // package-level: escapes

std::string describe(go::ptr<config> c) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s:%d retries=%d tls=%s timeout=%.1fs", c->host, c->port, c->retries,
                c->tls ? "on" : "off", c->timeout_s);
  return buf;
}

// Functional options: each is a lambda taking the config.
auto with_port(int p) {
  return [p](go::ptr<config> c) { c->port = p; };
}
auto with_tls() {
  return [](go::ptr<config> c) {
    c->tls = true;
    if (c->port == 8080) c->port = 8443;
  };
}

template <class... Opts>
go::ptr<config> build(Opts... opts) {
  auto c = go::new_<config>();  // returned: escapes
  (opts(c), ...);
  return c;
}

template <class... Opts>
std::string summary(Opts... opts) {
  auto c = go::new_<config>();  // moved
  (opts(c), ...);
  return describe(c);
}

int effective_port(go::ptr<config> base, int port_override) {
  auto o = go::new_<overrides>(port_override);  // moved: default argument for the rest
  return o->port != 0 ? o->port : base->port;
}

std::string describe_default() {
  auto c = go::new_<config>("example.org", 443, 5, true);  // moved: brace-style aggregate
  return describe(c);
}

int main() {
  defaults = go::new_<config>();
  auto srv = build(with_port(9000), with_tls());
  std::printf("defaults: %s\n", describe(defaults).c_str());
  std::printf("built:    %s\n", describe(srv).c_str());
  std::printf("summary:  %s\n", summary(with_tls()).c_str());
  std::printf("override: %d %d\n", effective_port(srv, 0), effective_port(srv, 7000));
  std::printf("default:  %s\n", describe_default().c_str());
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
