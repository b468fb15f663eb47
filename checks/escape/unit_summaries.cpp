#include "escape/unit_summaries.hpp"

#include <clang/AST/DeclTemplate.h>
#include <clang/AST/GlobalDecl.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/raw_ostream.h>

#include "check.hpp"
#include "escape/analysis.hpp"
#include "runtime_model/escape_model.hpp"

using namespace clang;

namespace gocxx::escape {

std::string function_identity(const FunctionDecl* fd, MangleContext& mangler) {
  if (!fd || fd->isDependentContext() || !fd->isExternallyVisible() || fd->isDeleted()) return "";
  if (runtime_model::in_go_namespace(fd)) return "";
  // Never called by name across units, or mangled by rules of their own.
  if (isa<CXXDeductionGuideDecl>(fd) || fd->isMultiVersion() || fd->isInvalidDecl()) return "";
  if (!mangler.shouldMangleDeclName(fd)) return fd->getIdentifier() ? fd->getName().str() : "";
  GlobalDecl gd(fd);
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(fd)) gd = GlobalDecl(cd, Ctor_Complete);
  if (const auto* dd = dyn_cast<CXXDestructorDecl>(fd)) gd = GlobalDecl(dd, Dtor_Complete);
  std::string out;
  llvm::raw_string_ostream os(out);
  mangler.mangleName(gd, os);
  return out;
}

namespace {

// Names of root_kind in the files: stable across versions of the enum.
constexpr const char* kind_names[root_kind_count] = {"none",      "unknown", "scope",  "gc_heap",
                                                     "chan_send", "spawn",   "global", "result"};

void put_level(std::string& out, int level) { out += level == no_leak ? "-" : std::to_string(level); }

bool get_level(llvm::StringRef text, int& level) {
  if (text == "-") {
    level = no_leak;
    return true;
  }
  return !text.getAsInteger(10, level) && level >= 0;
}

// hd/kind/hu/r0/r1/moved: the fields of param_leaks.
std::string encode_leaks(const param_leaks& l) {
  std::string out;
  put_level(out, l.heap_definite);
  out += "/";
  out += kind_names[static_cast<unsigned>(l.definite_kind)];
  out += "/";
  put_level(out, l.heap_unknown);
  out += "/";
  put_level(out, l.results[0]);
  out += "/";
  put_level(out, l.results[1]);
  out += l.moved_to_heap ? "/1" : "/0";
  return out;
}

bool decode_leaks(llvm::StringRef text, param_leaks& l) {
  llvm::SmallVector<llvm::StringRef, 6> f;
  text.split(f, '/');
  if (f.size() != 6) return false;
  if (!get_level(f[0], l.heap_definite) || !get_level(f[2], l.heap_unknown) || !get_level(f[3], l.results[0]) ||
      !get_level(f[4], l.results[1]))
    return false;
  bool kind_known = false;
  for (unsigned k = 0; k < root_kind_count; ++k)
    if (f[1] == kind_names[k]) {
      l.definite_kind = static_cast<root_kind>(k);
      kind_known = true;
    }
  if (!kind_known || (f[5] != "0" && f[5] != "1")) return false;
  l.moved_to_heap = f[5] == "1";
  return true;
}

// `a` leaks at a level no deeper than `b` (none: never).
bool lower_or_equal(int a, int b) { return b == no_leak || (a != no_leak && a <= b); }

bool covers_leaks(const param_leaks& a, const param_leaks& b) {
  return lower_or_equal(a.heap(), b.heap()) && lower_or_equal(a.results[0], b.results[0]) &&
         lower_or_equal(a.results[1], b.results[1]) && (a.moved_to_heap || !b.moved_to_heap);
}

}  // namespace

std::string encode_summary(const function_summary& s) {
  std::string out = "this:";
  out += s.has_this ? encode_leaks(s.receiver()) : "-";  // a closure's fields folded in
  out += ";params:";
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (i) out += ",";
    out += encode_leaks(s.params[i]);
  }
  out += s.result_escapes ? ";result:1" : ";result:0";
  out += s.sync_free ? ";sync:0" : ";sync:1";
  return out;
}

std::optional<function_summary> decode_summary(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.split(parts, ';');
  if (parts.size() != 4) return std::nullopt;
  llvm::StringRef self = parts[0], params = parts[1], result = parts[2], sync = parts[3];
  function_summary s;
  if (!self.consume_front("this:") || !params.consume_front("params:") || !result.consume_front("result:") ||
      !sync.consume_front("sync:") || (sync != "0" && sync != "1"))
    return std::nullopt;
  s.sync_free = sync == "0";
  if (self != "-") {
    s.has_this = true;
    if (!decode_leaks(self, s.this_param)) return std::nullopt;
  }
  if (!params.empty()) {
    llvm::SmallVector<llvm::StringRef, 8> each;
    params.split(each, ',');
    for (llvm::StringRef p : each) {
      param_leaks l;
      if (!decode_leaks(p, l)) return std::nullopt;
      s.params.push_back(l);
    }
  }
  if (result != "0" && result != "1") return std::nullopt;
  s.result_escapes = result == "1";
  return s;
}

bool covers(const function_summary& a, const function_summary& b) {
  if (a.params.size() != b.params.size() || a.has_this != b.has_this) return false;
  for (size_t i = 0; i < a.params.size(); ++i)
    if (!covers_leaks(a.params[i], b.params[i])) return false;
  if (a.has_this && !covers_leaks(a.receiver(), b.receiver())) return false;
  return (a.result_escapes || !b.result_escapes) && (!a.sync_free || b.sync_free);
}

bool merge_summaries(function_summary& into, const function_summary& other) {
  if (into.params.size() != other.params.size() || into.has_this != other.has_this) return false;
  for (size_t i = 0; i < into.params.size(); ++i) into.params[i].merge(other.params[i]);
  into.this_param.merge(other.this_param);
  for (const param_leaks& c : other.captures) into.this_param.merge(c);
  into.captures.clear();  // folded into this_param: receiver() is unchanged
  into.result_escapes = into.result_escapes || other.result_escapes;
  into.sync_free = into.sync_free && other.sync_free;
  return true;
}

const function_summary* imported_summary(ASTContext& ctx, summary_exchange& exchange, const FunctionDecl* fd) {
  if (!fd || (!exchange.imported && !exchange.record)) return nullptr;
  fd = fd->getCanonicalDecl();
  auto [known, fresh] = exchange.identities.try_emplace(fd);
  if (fresh) {
    if (!exchange.mangler) exchange.mangler.reset(ctx.createMangleContext());
    known->second = function_identity(fd, *exchange.mangler);
  }
  const std::string& id = known->second;
  if (id.empty()) return nullptr;
  const function_summary* found = nullptr;
  if (exchange.imported) {
    auto it = exchange.imported->find(id);
    if (it != exchange.imported->end()) found = &it->second;
  }
  if (exchange.record) {
    auto [used, first] = exchange.used.try_emplace(id);
    if (first && found) used->second = *found;
  }
  return found;
}

namespace {

// The declarations of a unit, down through namespaces, classes and
// template instantiations (not into bodies: a function declared inside
// one has no linkage).
template <class Visit>
void each_function(const DeclContext* dc, const Visit& visit) {
  for (const Decl* d : dc->decls()) {
    if (const auto* fd = dyn_cast<FunctionDecl>(d)) {
      visit(fd);
    } else if (const auto* ft = dyn_cast<FunctionTemplateDecl>(d)) {
      for (const FunctionDecl* spec : ft->specializations()) visit(spec);
    } else if (const auto* ct = dyn_cast<ClassTemplateDecl>(d)) {
      for (const ClassTemplateSpecializationDecl* spec : ct->specializations())
        if (spec->isThisDeclarationADefinition()) each_function(spec, visit);
    } else if (const auto* rd = dyn_cast<CXXRecordDecl>(d)) {
      if (rd->isThisDeclarationADefinition() && !rd->isDependentContext()) each_function(rd, visit);
    } else if (isa<NamespaceDecl, LinkageSpecDecl, ExportDecl>(d)) {
      each_function(cast<DeclContext>(d), visit);
    }
  }
}

}  // namespace

void import_summaries(ASTContext& ctx, summary_exchange& exchange, summary_table& table) {
  if (!exchange.imported && !exchange.record) return;
  const SourceManager& sm = ctx.getSourceManager();
  each_function(ctx.getTranslationUnitDecl(), [&](const FunctionDecl* fd) {
    if (!fd->isUsed() && !fd->isReferenced()) return;
    if (analysable_definition(fd) || sm.isInSystemHeader(fd->getLocation())) return;
    const FunctionDecl* canonical = fd->getCanonicalDecl();
    if (table.count(canonical)) return;
    if (const function_summary* found = imported_summary(ctx, exchange, fd)) table[canonical] = *found;
  });
}

void export_summaries(ASTContext& ctx, const escape_result& result, summary_exchange& exchange) {
  if (!exchange.record) return;
  const SourceManager& sm = ctx.getSourceManager();
  std::unique_ptr<MangleContext> mangler(ctx.createMangleContext());
  for (const auto& [fd, summary] : result.summaries) {
    if (!fd->doesThisDeclarationHaveABody() || sm.isInSystemHeader(fd->getLocation())) continue;
    std::string id = function_identity(fd, *mangler);
    if (id.empty()) continue;
    gocxx::location at = make_location(sm, fd->getLocation());
    auto [it, fresh] = exchange.exported.try_emplace(id);
    summary_exchange::definition& d = it->second;
    if (fresh || !merge_summaries(d.summary, summary)) d.summary = summary;
    d.decl = fd;
    d.where = at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  }
}

}  // namespace gocxx::escape
