#include "escape/call_graph.hpp"

#include "escape/graph_builder.hpp"
#include "runtime_model/escape_model.hpp"

#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>

using namespace clang;

namespace gocxx::escape {

namespace {

// Every lambda call operator a lambda expression defines (each
// instantiation of a generic lambda).
void lambda_operators(const LambdaExpr* le, std::vector<const FunctionDecl*>& out) {
  const CXXMethodDecl* op = le->getCallOperator();
  if (!op) return;
  if (const FunctionTemplateDecl* ft = op->getDescribedFunctionTemplate()) {
    for (const FunctionDecl* spec : ft->specializations()) out.push_back(spec);
    return;
  }
  out.push_back(op);
}

class main_file_functions : public RecursiveASTVisitor<main_file_functions> {
 public:
  main_file_functions(const SourceManager& sm, std::vector<const FunctionDecl*>& out) : sm_(sm), out_(out) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitFunctionDecl(FunctionDecl* fd) {
    if (fd->doesThisDeclarationHaveABody() && !fd->isDependentContext() && in_main(fd->getLocation()))
      out_.push_back(fd);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr* le) {
    if (in_main(le->getBeginLoc())) lambda_operators(le, out_);
    return true;
  }

 private:
  bool in_main(SourceLocation loc) const { return loc.isValid() && sm_.isInMainFile(sm_.getExpansionLoc(loc)); }
  const SourceManager& sm_;
  std::vector<const FunctionDecl*>& out_;
};

// A call whose callee is known only at run time: through a pointer to a
// function or member function, or a virtual call.
bool indirect_call(const CallExpr* ce) {
  const FunctionDecl* callee = ce->getDirectCallee();
  if (!callee) return !isa<CXXPseudoDestructorExpr>(ce->getCallee()->IgnoreParens());
  const auto* md = dyn_cast<CXXMethodDecl>(callee);
  if (!md || !md->isVirtual() || md->hasAttr<FinalAttr>() || md->getParent()->hasAttr<FinalAttr>()) return false;
  const auto* mc = dyn_cast<CXXMemberCallExpr>(ce);
  const auto* me = mc ? dyn_cast<MemberExpr>(mc->getCallee()->IgnoreParens()) : nullptr;
  return !(me && me->hasQualifier());
}

// A call of a function without a body given a pointer to a function
// (qsort's comparator, atexit, pthread_create): it may call it, and the
// function may call back into its caller.
bool hands_over_a_function(const CallExpr* ce) {
  const FunctionDecl* callee = ce->getDirectCallee();
  if (!callee || callee->hasBody()) return false;
  for (const Expr* a : ce->arguments()) {
    QualType t = a->IgnoreParenImpCasts()->getType();
    if (t->isFunctionPointerType() || t->isFunctionType() || t->isMemberFunctionPointerType()) return true;
  }
  return false;
}

// The functions a body calls (or defines, for lambdas).
class callee_scan {
 public:
  explicit callee_scan(std::vector<const FunctionDecl*>& out) : out_(out) {}
  bool indirect = false;  // the body makes an indirect_call

  void function(const FunctionDecl* fd) {
    if (const auto* cd = dyn_cast<CXXConstructorDecl>(fd))
      for (const CXXCtorInitializer* init : cd->inits()) stmt(init->getInit());
    stmt(fd->getBody());
    // After its body, a destructor runs its members' and bases' (a standard
    // library template: those of its type arguments, graph_builder.cpp).
    if (const auto* dd = dyn_cast<CXXDestructorDecl>(fd)) {
      for (const FieldDecl* f : dd->getParent()->fields()) destructor(f->getType());
      for (const CXXBaseSpecifier& b : dd->getParent()->bases()) destructor(b.getType());
      for (QualType t : template_type_arguments(dd->getParent())) destructor(t);
    }
    // And its parameters taken by value are destroyed.
    for (const ParmVarDecl* p : fd->parameters()) destructor(p->getType());
  }

 private:
  void add(const FunctionDecl* fd) {
    if (fd) out_.push_back(fd);
  }

  void destructor(QualType t) {
    const CXXRecordDecl* decl = t->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
    const CXXRecordDecl* rd = decl ? decl->getDefinition() : nullptr;
    if (rd && !rd->hasTrivialDestructor()) add(rd->getDestructor());
  }

  void record_ctors(QualType t) {
    const CXXRecordDecl* decl = t.isNull() ? nullptr : t->getAsCXXRecordDecl();
    const CXXRecordDecl* rd = decl ? decl->getDefinition() : nullptr;
    if (!rd) return;
    for (const CXXConstructorDecl* c : rd->ctors()) add(c);
  }

  void stmt(const Stmt* s) {
    if (!s) return;
    if (const auto* ce = dyn_cast<CallExpr>(s)) {
      const FunctionDecl* callee = ce->getDirectCallee();
      add(callee);
      indirect = indirect || indirect_call(ce) || hands_over_a_function(ce);
      runtime_model::escape_api api = runtime_model::classify_escape_api(callee);
      if (api == runtime_model::escape_api::new_ || api == runtime_model::escape_api::make_unique)
        if (const TemplateArgumentList* args = callee->getTemplateSpecializationArgs())
          if (args->size() > 0 && (*args)[0].getKind() == TemplateArgument::Type) record_ctors((*args)[0].getAsType());
    } else if (const auto* ce = dyn_cast<CXXConstructExpr>(s)) {
      add(ce->getConstructor());
      // `using Base::Base;`: the base's constructor runs (call.cpp).
      if (ce->getConstructor()->isInheritingConstructor())
        add(ce->getConstructor()->getInheritedConstructor().getConstructor());
    } else if (const auto* le = dyn_cast<LambdaExpr>(s)) {
      lambda_operators(le, out_);
      for (const Expr* init : le->capture_inits()) stmt(init);
      return;
    } else if (const auto* de = dyn_cast<CXXDeleteExpr>(s)) {
      if (!de->getDestroyedType().isNull()) destructor(de->getDestroyedType());
    } else if (const auto* bt = dyn_cast<CXXBindTemporaryExpr>(s)) {
      add(bt->getTemporary()->getDestructor());  // at the end of the full-expression
    } else if (const auto* da = dyn_cast<CXXDefaultArgExpr>(s)) {
      stmt(da->getExpr());
    } else if (const auto* di = dyn_cast<CXXDefaultInitExpr>(s)) {
      stmt(di->getExpr());
    } else if (const auto* ds = dyn_cast<DeclStmt>(s)) {
      for (const Decl* d : ds->decls()) {
        if (const auto* vd = dyn_cast<VarDecl>(d)) {
          destructor(vd->getType());
          stmt(vd->getInit());
        }
      }
      return;
    } else if (const auto* cb = dyn_cast<CoroutineBodyStmt>(s)) {
      stmt(cb->getBody());
      return;
    }
    for (const Stmt* child : s->children()) stmt(child);
  }

  std::vector<const FunctionDecl*>& out_;
};

}  // namespace

call_graph build_call_graph(ASTContext& ctx) {
  call_graph g;
  std::vector<const FunctionDecl*> roots;
  main_file_functions(ctx.getSourceManager(), roots).TraverseDecl(ctx.getTranslationUnitDecl());

  std::vector<unsigned> work;
  auto node = [&](const FunctionDecl* fd, bool main) -> int {
    const FunctionDecl* def = analysable_definition(fd);
    if (!def) return -1;
    auto it = g.index.find(def);
    if (it != g.index.end()) {
      if (main) g.in_main_file[it->second] = true;
      return static_cast<int>(it->second);
    }
    unsigned i = static_cast<unsigned>(g.nodes.size());
    g.nodes.push_back(def);
    g.index[def] = i;
    g.callees.emplace_back();
    g.in_main_file.push_back(main);
    g.calls_indirectly.push_back(false);
    work.push_back(i);
    return static_cast<int>(i);
  };
  for (const FunctionDecl* fd : roots) node(fd, true);
  while (!work.empty()) {
    unsigned i = work.back();
    work.pop_back();
    std::vector<const FunctionDecl*> callees;
    callee_scan scan(callees);
    scan.function(g.nodes[i]);
    g.calls_indirectly[i] = scan.indirect;
    for (const FunctionDecl* c : callees) {
      int j = node(c, false);
      if (j >= 0 && std::find(g.callees[i].begin(), g.callees[i].end(), static_cast<unsigned>(j)) == g.callees[i].end())
        g.callees[i].push_back(static_cast<unsigned>(j));
    }
  }
  return g;
}

std::vector<std::vector<const FunctionDecl*>> bottom_up_components(const call_graph& g) {
  // Tarjan's algorithm, iterative: components come out callees first.
  const unsigned n = static_cast<unsigned>(g.nodes.size());
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<unsigned> stack;
  std::vector<std::vector<const FunctionDecl*>> out;
  int counter = 0;
  struct frame {
    unsigned v;
    size_t next;
  };
  for (unsigned s = 0; s < n; ++s) {
    if (index[s] >= 0) continue;
    std::vector<frame> call{{s, 0}};
    index[s] = low[s] = counter++;
    stack.push_back(s);
    on_stack[s] = true;
    while (!call.empty()) {
      frame& f = call.back();
      if (f.next < g.callees[f.v].size()) {
        unsigned w = g.callees[f.v][f.next++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          call.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      unsigned v = f.v;
      call.pop_back();
      if (!call.empty()) low[call.back().v] = std::min(low[call.back().v], low[v]);
      if (low[v] == index[v]) {
        std::vector<const FunctionDecl*> comp;
        unsigned w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp.push_back(g.nodes[w]);
        } while (w != v);
        std::reverse(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
    }
  }
  return out;
}

}  // namespace gocxx::escape
