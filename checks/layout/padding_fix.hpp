// The fix-it of gocxx-layout-padding (docs/checks/gocxx-layout-padding.md,
// "The fix-it"): whether giving a record another field order is safe in
// this translation unit, and the edits that reorder its fields, its
// constructors' member-initializer lists and its designated initialisers.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "layout/layout_check_base.hpp"
#include "layout/layout_model.hpp"
#include "layout/layout_source.hpp"

namespace gocxx::layout {

// What the unit does with records that depends on their field order, by
// canonical declaration.
struct record_uses {
  std::map<const clang::RecordDecl*, std::set<const clang::InitListExpr*>> inits;  // syntactic forms
  std::map<const clang::RecordDecl*, std::vector<const clang::CXXParenListInitExpr*>> paren_inits;
  std::map<const clang::RecordDecl*, std::vector<const clang::DecompositionDecl*>> bindings;
  extern_c_uses extern_c;
};

// One record (or one instantiation of a template) and its best field order.
struct padding_analysis {
  const clang::RecordDecl* rd = nullptr;
  record_layout l;
  std::unique_ptr<layout_model> model;  // null: no order saves enough
  layout_model::best b;
};

struct padding_fix {
  std::string why;  // why there is no fix-it; empty when there is one
  clang::SourceLocation why_loc;
  std::vector<edit> edits;
};

// The fix-it that gives the written record `pattern` the best order of
// `lead`, one of `group` (the record, or every instantiation of the
// template used in the unit). The first reason not to give it wins.
padding_fix plan_padding_fix(clang::ASTContext& ctx, const clang::RecordDecl* pattern,
                             const std::vector<padding_analysis*>& group, const padding_analysis& lead,
                             const record_uses& uses);

}  // namespace gocxx::layout
