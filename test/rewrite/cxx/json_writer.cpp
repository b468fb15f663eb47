// json_writer (plain C++): a JSON document tree of std::unique_ptr values,
// serialised by a writer object per document, with string escaping through
// a fixed-size buffer, a number callback kept in a std::function, a
// formatter chosen through a base class and a global log writer. A check
// gocxx-escape-unique-to-stack should turn the writer of to_json() (its text
// is moved out, the writer itself stays in the function), the escape buffer
// of write_string() (new/delete, an early return deletes it first) and the
// writer of render_pair() into stack objects; it must keep every value
// returned or moved into a parent, the statistics captured by the
// std::function, the formatter owned through its base, the log writer stored
// in a global and the run-time-sized copy buffer.
// fixes: 3
// moved: 28
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct jvalue {
  char kind;  // 'n' number, 's' string, 'a' array, 'o' object
  long num;
  std::string text;  // string value, or the key inside an object
  std::vector<std::unique_ptr<jvalue>> items;
};

struct writer {
  std::string out;
  int values;
  void put(char c) { out.push_back(c); }
};

struct escape_buf {
  char data[96];
  int len;
};

struct num_stats {
  int count;
  long sum;
};

struct formatter {
  virtual ~formatter() = default;
  virtual std::string wrap(const std::string& s) const = 0;
};
struct compact : formatter {
  std::string wrap(const std::string& s) const override { return s; }
};
struct framed : formatter {
  std::string wrap(const std::string& s) const override { return "<<" + s + ">>"; }
};

std::unique_ptr<writer> g_log;  // the writer of the run's log

std::unique_ptr<jvalue> number(long v) { return std::make_unique<jvalue>('n', v); }  // kept: returned
std::unique_ptr<jvalue> text(const char* key, const char* s) {
  auto v = std::make_unique<jvalue>('s', 0, s);  // kept: returned
  if (key) v->text = std::string(key) + '\x01' + s;
  return v;
}
std::unique_ptr<jvalue> list(char kind, std::vector<std::unique_ptr<jvalue>> items) {
  return std::make_unique<jvalue>(kind, 0, "", std::move(items));  // kept: returned
}

void write_string(writer& w, const std::string& s) {
  escape_buf* b = new escape_buf{{}, 0};  // moved: deleted on both paths out
  w.put('"');
  if (s.empty()) {
    w.put('"');
    delete b;
    return;
  }
  for (char c : s) {
    if (b->len + 2 >= static_cast<int>(sizeof b->data)) break;
    if (c == '"' || c == '\\') b->data[b->len++] = '\\';
    b->data[b->len++] = c == '\n' ? 'n' : c;
  }
  w.out.append(b->data, static_cast<std::size_t>(b->len));
  w.put('"');
  delete b;
}

void emit(writer& w, const jvalue& v, const std::function<void(long)>& on_number) {
  w.values++;
  switch (v.kind) {
    case 'n': w.out += std::to_string(v.num), on_number(v.num); break;
    case 's': write_string(w, v.text.substr(v.text.find('\x01') + 1)); break;
    default: {
      w.put(v.kind == 'a' ? '[' : '{');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) w.put(',');
        if (v.kind == 'o') write_string(w, v.items[i]->text.substr(0, v.items[i]->text.find('\x01'))), w.put(':');
        emit(w, *v.items[i], on_number);
      }
      w.put(v.kind == 'a' ? ']' : '}');
    }
  }
}

std::string to_json(const jvalue& root, const std::function<void(long)>& on_number) {
  auto w = std::make_unique<writer>();  // moved: only its text leaves
  emit(*w, root, on_number);
  if (g_log) g_log->out += std::to_string(w->values) + " values; ";
  return std::move(w->out);
}

std::string render_pair(const char* key, long v) {
  auto w = std::make_unique<writer>();  // moved
  w->put('{');
  write_string(*w, key);
  w->put(':');
  w->out += std::to_string(v);
  w->put('}');
  return w->out;
}

int main() {
  g_log = std::make_unique<writer>();              // kept: stored in a global
  auto stats = std::make_unique<num_stats>(0, 0);  // kept: captured by a std::function
  std::function<void(long)> on_number = [&](long v) { stats->count++, stats->sum += v; };
  std::unique_ptr<formatter> fmt = std::make_unique<framed>();  // kept: owned through the base
  for (int round = 0; round < 3; ++round) {
    std::vector<std::unique_ptr<jvalue>> tags;
    tags.push_back(text(nullptr, round ? "beta" : "al\"pha"));
    tags.push_back(text(nullptr, ""));
    for (int i = 0; i < round; ++i) tags.push_back(number(i * 10 + round));
    std::vector<std::unique_ptr<jvalue>> fields;
    fields.push_back(text("name", "gocxx"));
    fields.push_back(text("path", "a\\b"));
    fields.push_back(list('a', std::move(tags)));
    fields.back()->text = std::string("tags") + '\x01';
    auto doc = list('o', std::move(fields));
    std::string js = to_json(*doc, on_number);
    std::size_t n = js.size() + 1;
    auto copy = std::make_unique<char[]>(n);  // kept: an array
    std::memcpy(copy.get(), js.c_str(), n);
    std::printf("%s\n", fmt->wrap(copy.get()).c_str());
    if (round == 1) fmt = std::make_unique<compact>();  // kept: owned through the base
  }
  std::printf("%s %s\n", render_pair("count", stats->count).c_str(), render_pair("sum", stats->sum).c_str());
  std::printf("log: %s\n", g_log->out.c_str());
  g_log.reset();
}
