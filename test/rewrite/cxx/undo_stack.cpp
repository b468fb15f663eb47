// undo_stack (plain C++): a text editor with polymorphic insert and erase
// commands on undo and redo stacks of std::unique_ptr<command>, a snapshot
// taken around every operation, a diff between two states, a dry run through
// a base pointer, and consecutive inserts merged by carrying the previous
// one across iterations. A check gocxx-escape-unique-to-stack should turn the
// snapshot of checked_run() (make_unique, tested with `if (!snap)`) and the
// diff state of diff_size() (new/delete, an early return deletes it first)
// into stack objects; it must keep the commands returned or pushed on the
// stacks, the command of dry_run() deleted through its base, the insert
// carried into the next iteration by `prev`, and the snapshot stored in a
// global. The probe of probe_insert() is an insert_cmd, a final class, used
// through virtual calls that can only reach insert_cmd's own functions.
// fixes: 3
// moved: 11
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

struct command {
  virtual ~command() = default;
  virtual void apply(std::string& doc) = 0;
  virtual void revert(std::string& doc) = 0;
};

struct insert_cmd final : command {
  std::size_t pos;
  std::string text;
  insert_cmd(std::size_t p, std::string t) : pos(p), text(std::move(t)) {}
  void apply(std::string& doc) override { doc.insert(pos, text); }
  void revert(std::string& doc) override { doc.erase(pos, text.size()); }
};

struct erase_cmd final : command {
  std::size_t pos, len;
  std::string removed;
  erase_cmd(std::size_t p, std::size_t n) : pos(p), len(n) {}
  void apply(std::string& doc) override {
    removed = doc.substr(pos, len);
    doc.erase(pos, len);
  }
  void revert(std::string& doc) override { doc.insert(pos, removed); }
};

struct snapshot {
  std::size_t size;
  unsigned hash;
};
struct diff_state {
  std::size_t common_prefix, common_suffix;
};

struct editor {
  std::string doc;
  std::vector<std::unique_ptr<command>> undo, redo;
};

std::unique_ptr<snapshot> g_saved;  // the last saved state

unsigned hash_of(const std::string& s) {
  unsigned h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::unique_ptr<command> make_insert(std::size_t pos, const char* text) {
  return std::make_unique<insert_cmd>(pos, text);  // kept: returned through the base
}

void execute(editor& ed, std::unique_ptr<command> c) {
  c->apply(ed.doc);
  ed.undo.push_back(std::move(c));
  ed.redo.clear();
}

bool checked_run(editor& ed, std::unique_ptr<command> c) {
  auto snap = std::make_unique<snapshot>(ed.doc.size(), hash_of(ed.doc));  // moved, per operation
  if (!snap) return false;
  execute(ed, std::move(c));
  ed.undo.back()->revert(ed.doc);
  bool restores = ed.doc.size() == snap->size && hash_of(ed.doc) == snap->hash;
  ed.undo.back()->apply(ed.doc);
  return restores;
}

void undo(editor& ed) {
  if (ed.undo.empty()) return;
  ed.undo.back()->revert(ed.doc);
  ed.redo.push_back(std::move(ed.undo.back()));
  ed.undo.pop_back();
}

std::size_t diff_size(const std::string& a, const std::string& b) {
  diff_state* d = new diff_state{0, 0};  // moved: deleted on both paths out
  if (a == b) {
    delete d;
    return 0;
  }
  while (d->common_prefix < a.size() && d->common_prefix < b.size() && a[d->common_prefix] == b[d->common_prefix])
    d->common_prefix++;
  while (d->common_suffix + d->common_prefix < a.size() && d->common_suffix + d->common_prefix < b.size() &&
         a[a.size() - 1 - d->common_suffix] == b[b.size() - 1 - d->common_suffix])
    d->common_suffix++;
  std::size_t r = a.size() + b.size() - 2 * (d->common_prefix + d->common_suffix);
  delete d;
  return r;
}

std::string dry_run(const std::string& doc, std::size_t pos, std::size_t n) {
  command* c = new erase_cmd(pos, n);  // kept: deleted through the base
  std::string copy = doc;
  c->apply(copy);
  delete c;
  return copy;
}

std::size_t probe_insert(const std::string& doc) {
  auto probe = std::make_unique<insert_cmd>(0, "> ");  // moved: the exact type is known, final
  std::string copy = doc;
  probe->apply(copy);
  std::size_t n = copy.size();
  probe->revert(copy);
  return n - copy.size();
}

void typed_burst(editor& ed, const char* words[], int n) {
  std::unique_ptr<insert_cmd> prev;
  for (int i = 0; i < n; ++i) {
    auto cur = std::make_unique<insert_cmd>(ed.doc.size(), words[i]);  // kept: carried on by prev
    if (prev && prev->pos + prev->text.size() == cur->pos) {
      cur->pos = prev->pos;
      cur->text = prev->text + cur->text;
      prev->revert(ed.doc);
    }
    cur->apply(ed.doc);
    prev = std::move(cur);
  }
  if (prev) ed.undo.push_back(std::move(prev));
}

int main() {
  editor ed;
  int ok = 0;
  const char* lines[] = {"hello", " world", ", again", " and again"};
  for (const char* l : lines) ok += checked_run(ed, make_insert(ed.doc.size(), l));
  ok += checked_run(ed, std::make_unique<erase_cmd>(5, 6));  // kept: handed to checked_run
  std::printf("doc '%s', %d checked, %zu undoable\n", ed.doc.c_str(), ok, ed.undo.size());
  std::string before = ed.doc;
  undo(ed);
  undo(ed);
  std::printf("after 2 undos '%s' (diff %zu, diff to itself %zu)\n", ed.doc.c_str(), diff_size(before, ed.doc),
              diff_size(before, before));
  std::printf("dry run '%s', probe adds %zu\n", dry_run(ed.doc, 0, 6).c_str(), probe_insert(ed.doc));
  const char* words[] = {" x", "y", "z", " tail"};
  typed_burst(ed, words, 4);
  g_saved = std::make_unique<snapshot>(ed.doc.size(), hash_of(ed.doc));  // kept: stored in a global
  std::printf("final '%s' (%zu undoable, %zu redoable), saved %zu bytes %08x\n", ed.doc.c_str(), ed.undo.size(),
              ed.redo.size(), g_saved->size, g_saved->hash);
  for (int i = 0; i < 3; ++i) std::printf("  step %d diff %zu\n", i, diff_size(ed.doc, dry_run(ed.doc, i, i + 1)));
  g_saved.reset();
}
