// registry (plain C++): ownership handed on with release(), a unique_ptr
// built from a bare `new`, an object with a custom deleter, and an array
// whose length is known only at run time, next to plain `new`/`delete`
// pairs inside one function. A check gocxx-escape-unique-to-stack should
// turn the `new`ed checksum state of checksum() and the unique_ptr built
// from `new` in describe() into stack objects; it must keep the plugin
// released into the registry (deleted at shutdown), the handle with a
// custom deleter (the deleter is observable) and the run-time-sized array.
// fixes: 2
// moved: 4
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

struct plugin {
  const char* name;
  int version;
};

std::vector<plugin*> registry;  // owns what is released into it

void shutdown() {
  for (plugin* p : registry) delete p;
  registry.clear();
}

void install(const char* name, int version) {
  auto p = std::make_unique<plugin>(name, version);
  if (p->version < 0) return;       // rejected: freed here
  registry.push_back(p.release());  // ownership released: kept
}

struct crc_state {
  unsigned value;
  int bytes;
};

unsigned checksum(const char* s) {
  crc_state* st = new crc_state{2166136261u, 0};  // moved
  for (; *s; ++s, ++st->bytes) st->value = (st->value ^ static_cast<unsigned char>(*s)) * 16777619u;
  unsigned v = st->value ^ static_cast<unsigned>(st->bytes);
  delete st;
  return v;
}

int describe(const plugin& p) {
  std::unique_ptr<plugin> copy(new plugin(p));  // moved
  copy->version += 1;
  return std::printf("%s v%d -> v%d\n", p.name, p.version, copy->version);
}

struct closer {
  void operator()(plugin* p) const {
    std::printf("closing %s\n", p->name);
    delete p;
  }
};

int main() {
  install("gzip", 2);
  install("broken", -1);
  install("tar", 1);
  for (const plugin* p : registry) describe(*p);
  std::printf("checksums %08x %08x\n", checksum("gocxx"), checksum("rewrite"));
  {
    std::unique_ptr<plugin, closer> session(new plugin{"session", 1});  // custom deleter: kept
    std::printf("session %s\n", session->name);
  }
  std::size_t n = std::strlen(registry[0]->name) + 3;
  auto scratch = std::make_unique<char[]>(n);  // size known at run time: kept
  std::snprintf(scratch.get(), n, "[%s]", registry[0]->name);
  std::printf("%s, %zu plugins\n", scratch.get(), registry.size());
  shutdown();
}
