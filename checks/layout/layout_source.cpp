#include "layout/layout_source.hpp"

#include <clang/AST/DeclTemplate.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>

using namespace clang;

namespace gocxx::layout {

namespace {

// Offset just after the token starting at `loc`.
unsigned token_end(const SourceManager& sm, const LangOptions& lo, SourceLocation loc) {
  SourceLocation e = Lexer::getLocForEndOfToken(loc, 0, sm, lo);
  return sm.getFileOffset(e);
}

// The first token at or after `offset` (comments skipped).
std::optional<Token> next_token(const SourceManager& sm, const LangOptions& lo, FileID fid, unsigned offset) {
  StringRef buf = sm.getBufferData(fid);
  if (offset >= buf.size()) return std::nullopt;
  Lexer lex(sm.getLocForStartOfFile(fid), lo, buf.begin(), buf.begin() + offset, buf.end());
  Token tok;
  lex.LexFromRawLexer(tok);
  if (tok.is(tok::eof)) return std::nullopt;
  return tok;
}

// Offset after the first `;` at nesting depth 0 from `offset`; nullopt when
// the record's closing brace comes first.
std::optional<unsigned> find_semicolon(const SourceManager& sm, const LangOptions& lo, FileID fid, unsigned offset) {
  StringRef buf = sm.getBufferData(fid);
  Lexer lex(sm.getLocForStartOfFile(fid), lo, buf.begin(), buf.begin() + offset, buf.end());
  int depth = 0;
  Token tok;
  while (true) {
    lex.LexFromRawLexer(tok);
    if (tok.is(tok::eof)) return std::nullopt;
    switch (tok.getKind()) {
      case tok::l_paren:
      case tok::l_brace:
      case tok::l_square: ++depth; break;
      case tok::r_paren:
      case tok::r_brace:
      case tok::r_square:
        if (depth == 0) return std::nullopt;
        --depth;
        break;
      case tok::semi:
        if (depth == 0) return sm.getFileOffset(tok.getLocation()) + 1;
        break;
      default: break;
    }
  }
}

// After a member's terminator: its trailing same-line comment and the
// newline belong to it. Without a newline the position is unchanged.
unsigned extend_end(StringRef buf, unsigned pos) {
  unsigned p = pos;
  auto spaces = [&] {
    while (p < buf.size() && (buf[p] == ' ' || buf[p] == '\t')) ++p;
  };
  spaces();
  if (buf.substr(p).starts_with("//")) {
    while (p < buf.size() && buf[p] != '\n') ++p;
  } else if (buf.substr(p).starts_with("/*")) {
    size_t close = buf.find("*/", p + 2);
    if (close != StringRef::npos && buf.substr(p, close - p).find('\n') == StringRef::npos) {
      p = static_cast<unsigned>(close + 2);
      spaces();
      if (buf.substr(p).starts_with("//"))
        while (p < buf.size() && buf[p] != '\n') ++p;
    }
  }
  if (p < buf.size() && buf[p] == '\r') ++p;
  if (p < buf.size() && buf[p] == '\n') return p + 1;
  return pos;
}

// Blank lines stay where they are: a slot starts at its first non-blank line.
unsigned skip_blank_lines(StringRef buf, unsigned pos) {
  unsigned p = pos;
  while (true) {
    unsigned q = p;
    while (q < buf.size() && (buf[q] == ' ' || buf[q] == '\t' || buf[q] == '\r')) ++q;
    if (q < buf.size() && buf[q] == '\n') {
      p = q + 1;
      continue;
    }
    // Not a blank line: when there was no newline at all, skip spaces.
    if (p == pos && (pos == 0 || buf[pos - 1] != '\n')) return q;
    return p;
  }
}

}  // namespace

std::optional<std::pair<unsigned, unsigned>> token_range_offsets(const ASTContext& ctx, SourceRange r, FileID& file) {
  const SourceManager& sm = ctx.getSourceManager();
  if (r.isInvalid() || !r.getBegin().isFileID() || !r.getEnd().isFileID()) return std::nullopt;
  FileID f = sm.getFileID(r.getBegin());
  if (sm.getFileID(r.getEnd()) != f) return std::nullopt;
  if (file.isValid() && file != f) return std::nullopt;
  file = f;
  unsigned b = sm.getFileOffset(r.getBegin());
  unsigned e = token_end(sm, ctx.getLangOpts(), r.getEnd());
  if (e < b) return std::nullopt;
  return std::make_pair(b, e);
}

std::optional<field_slots> find_field_slots(const ASTContext& ctx, const RecordDecl* rd,
                                            const std::vector<std::vector<unsigned>>& units, std::string& why) {
  const SourceManager& sm = ctx.getSourceManager();
  const LangOptions& lo = ctx.getLangOpts();
  SourceRange braces = rd->getBraceRange();
  if (braces.isInvalid() || !braces.getBegin().isFileID() || !braces.getEnd().isFileID()) {
    why = "the record is written by a macro";
    return std::nullopt;
  }
  FileID fid = sm.getFileID(braces.getBegin());
  if (sm.getFileID(braces.getEnd()) != fid) {
    why = "the record spans files";
    return std::nullopt;
  }
  StringRef buf = sm.getBufferData(fid);
  std::vector<const FieldDecl*> fields(rd->field_begin(), rd->field_end());
  AccessSpecifier access = fields.empty() ? AS_none : fields.front()->getAccess();
  for (const FieldDecl* f : fields) {
    if (f->getAccess() != access) {
      why = "its fields have different access";
      return std::nullopt;
    }
    if (f->isAnonymousStructOrUnion()) {
      why = "it has an anonymous struct or union member";
      return std::nullopt;
    }
    if (!f->getBeginLoc().isFileID() || !f->getEndLoc().isFileID() || !f->getLocation().isFileID() ||
        sm.getFileID(f->getLocation()) != fid) {
      why = "field '" + f->getNameAsString() + "' is written by a macro";
      return std::nullopt;
    }
  }
  // Ends of every explicit member declaration, to find where each field's
  // declaration starts.
  struct member {
    unsigned begin, end;
    const Decl* d;
  };
  std::vector<member> members;
  for (const Decl* d : rd->decls()) {
    if (d->isImplicit()) continue;
    if (isa<FieldDecl>(d)) continue;
    SourceLocation b = d->getBeginLoc(), e = d->getEndLoc();
    if (b.isInvalid() || e.isInvalid()) continue;
    b = sm.getExpansionLoc(b);
    e = sm.getExpansionRange(e).getEnd();
    if (sm.getFileID(b) != fid) continue;
    unsigned end = token_end(sm, lo, e);
    if (auto t = next_token(sm, lo, fid, end); t && t->is(tok::semi)) end = sm.getFileOffset(t->getLocation()) + 1;
    members.push_back({sm.getFileOffset(b), end, d});
  }
  unsigned open = sm.getFileOffset(braces.getBegin()) + 1;
  unsigned close = sm.getFileOffset(braces.getEnd());
  // Terminator of each field's declaration.
  std::vector<unsigned> field_begin(fields.size()), field_semi(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    field_begin[i] = sm.getFileOffset(fields[i]->getBeginLoc());
    auto semi = find_semicolon(sm, lo, fid, token_end(sm, lo, fields[i]->getEndLoc()));
    if (!semi || *semi > close) {
      why = "cannot find the end of field '" + fields[i]->getNameAsString() + "'";
      return std::nullopt;
    }
    field_semi[i] = *semi;
  }
  field_slots out;
  out.file = fid;
  for (const std::vector<unsigned>& u : units) {
    unsigned first = u.front(), last = u.back();
    // Fields of one unit are adjacent; a declaration is never split.
    for (size_t k = 0; k + 1 < u.size(); ++k)
      if (u[k + 1] != u[k] + 1) {
        why = "internal: unit not contiguous";
        return std::nullopt;
      }
    if (last + 1 < fields.size() && field_semi[last] > field_begin[last + 1]) {
      why = "fields '" + fields[last]->getNameAsString() + "' and '" + fields[last + 1]->getNameAsString() +
            "' share a declaration";
      return std::nullopt;
    }
    for (const member& m : members)
      if (m.begin > field_begin[first] && m.begin < field_semi[last]) {
        why = "a member is declared between fields of one group";
        return std::nullopt;
      }
    // Where the declaration starts: after the previous member or field.
    unsigned prev = open;
    for (const member& m : members)
      if (m.begin <= field_begin[first]) prev = std::max(prev, m.end);
    if (first > 0) prev = std::max(prev, field_semi[first - 1]);
    if (prev > field_begin[first]) {
      why = "field '" + fields[first]->getNameAsString() + "' is declared together with another member";
      return std::nullopt;
    }
    unsigned begin = skip_blank_lines(buf, extend_end(buf, prev));
    unsigned end = extend_end(buf, field_semi[last]);
    auto decl_tok = next_token(sm, lo, fid, begin);
    out.decl_begin.push_back(decl_tok ? sm.getFileOffset(decl_tok->getLocation()) : field_begin[first]);
    out.slots.push_back({begin, end});
  }
  for (size_t k = 0; k + 1 < out.slots.size(); ++k)
    if (out.slots[k].second > out.slots[k + 1].first) {
      why = "internal: overlapping field slots";
      return std::nullopt;
    }
  if (!out.slots.empty()) {
    StringRef region = buf.slice(out.slots.front().first, out.slots.back().second);
    size_t pos = 0;
    while (pos < region.size()) {
      size_t eol = region.find('\n', pos);
      StringRef line = region.slice(pos, eol == StringRef::npos ? region.size() : eol).ltrim();
      if (line.starts_with("#")) {
        why = "a preprocessor directive lies between its fields";
        return std::nullopt;
      }
      if (eol == StringRef::npos) break;
      pos = eol + 1;
    }
  }
  return out;
}

edit permute_slots(const SourceManager& sm, FileID file, const std::vector<std::pair<unsigned, unsigned>>& slots,
                   const std::vector<unsigned>& order) {
  StringRef buf = sm.getBufferData(file);
  edit e;
  e.file = file;
  e.begin = slots.front().first;
  e.end = slots.back().second;
  for (size_t k = 0; k < slots.size(); ++k) {
    const auto& src = slots[order[k]];
    std::string text = buf.slice(src.first, src.second).str();
    // A slot that ended without a newline moving before one that has it.
    bool src_nl = !text.empty() && text.back() == '\n';
    bool dst_nl = slots[k].second > slots[k].first && buf[slots[k].second - 1] == '\n';
    if (dst_nl && !src_nl) text += "\n";
    if (!dst_nl && src_nl) {
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    }
    e.text += text;
    if (k + 1 < slots.size()) e.text += buf.slice(slots[k].second, slots[k + 1].first).str();
  }
  return e;
}

bool has_abi_mark(const ASTContext& ctx, const RecordDecl* rd) {
  const SourceManager& sm = ctx.getSourceManager();
  SourceLocation b = sm.getExpansionLoc(rd->getOuterLocStart());
  SourceLocation e = sm.getExpansionLoc(rd->getBraceRange().getEnd());
  if (b.isInvalid() || e.isInvalid()) return false;
  FileID fid = sm.getFileID(b);
  if (sm.getFileID(e) != fid) return false;
  StringRef buf = sm.getBufferData(fid);
  unsigned bo = sm.getFileOffset(b), eo = sm.getFileOffset(e);
  // The line above the declaration, and the record itself.
  unsigned start = bo;
  for (int lines = 0; lines < 2 && start > 0;) {
    --start;
    if (buf[start] == '\n') ++lines;
  }
  return buf.slice(start, eo).contains("gocxx:abi");
}

}  // namespace gocxx::layout
