//===- Parser.cpp - Source text to AST ------------------------------------===//
//
// The only file that sees ANTLR. It parses in two stages (fast SLL with
// bail-out, then full LL with error recovery only when SLL fails), turns
// ANTLR's syntax errors into plain-worded diagnostics, and converts the parse
// tree into the AST. ANTLR works on code points; AST locations are byte
// offsets, so token indices are mapped through a table built once per file.
//
//===----------------------------------------------------------------------===//

#include "nnc/Parse/Parser.h"
#include "nnc/Parse/SourceScanner.h"
#include "nnc/Support/Diagnostics.h"

#include "NNLexer.h"
#include "NNParser.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/StringExtras.h"
#include <cerrno>
#include <cstdlib>

using namespace nnc;
using namespace nnc::ast;
using antlr4::ParserRuleContext;
using antlr4::Token;

namespace {

/// Maps ANTLR's code-point indices to byte offsets.
class OffsetMap {
public:
  explicit OffsetMap(llvm::StringRef text) {
    bool ascii = llvm::all_of(text, [](char c) { return (c & 0x80) == 0; });
    if (ascii)
      return;
    for (uint32_t i = 0; i < text.size(); ++i)
      if ((text[i] & 0xC0) != 0x80)
        byteOf.push_back(i);
    byteOf.push_back(text.size());
  }
  uint32_t operator()(size_t cp) const {
    if (byteOf.empty())
      return cp;
    return cp < byteOf.size() ? byteOf[cp] : byteOf.back();
  }

private:
  std::vector<uint32_t> byteOf;
};

/// Words for a token type in "expected X" messages.
static std::string describeToken(const antlr4::dfa::Vocabulary &vocab,
                                 size_t type) {
  switch (type) {
  case NNLexer::ID:
    return "a name";
  case NNLexer::INT:
    return "an integer";
  case NNLexer::FLOAT:
    return "a number";
  case NNLexer::STRING:
    return "a string";
  case Token::EOF:
    return "end of file";
  default:
    return vocab.getDisplayName(type);
  }
}

/// A token's text for a message, cut short when it is long (a 1 MB number).
static std::string shortened(std::string text) {
  if (text.size() > 40)
    text = text.substr(0, 37) + "...";
  return text;
}

/// Reports syntax errors through the diagnostics engine, at most one per
/// line so that ANTLR's recovery does not produce a cascade.
class ErrorListener : public antlr4::BaseErrorListener {
public:
  ErrorListener(DiagnosticEngine &diags, uint32_t file, const OffsetMap &map)
      : diags(diags), file(file), map(map) {}

  void syntaxError(antlr4::Recognizer *recognizer, Token *tok, size_t line,
                   size_t, const std::string &, std::exception_ptr) override {
    if (line == lastLine)
      return;
    lastLine = line;
    ++count;
    if (!tok) // lexer errors cannot happen: UNKNOWN_CHAR matches anything
      return;
    SourceRange r = rangeOf(tok);
    if (tok->getType() == NNLexer::UNKNOWN_CHAR) {
      diags.error(r, "unexpected character '" + tok->getText() + "'");
      return;
    }
    auto *parser = static_cast<antlr4::Parser *>(recognizer);
    // At the end of the file, point just past the last token: the line shown
    // is then the unfinished one, not an empty line after it.
    if (tok->getType() == Token::EOF && tok->getTokenIndex() > 0) {
      Token *last = parser->getTokenStream()->get(tok->getTokenIndex() - 1);
      uint32_t end = map(last->getStopIndex() + 1);
      r = {{file, end}, {file, end}};
    }
    std::string found = tok->getType() == Token::EOF
                            ? std::string("end of file")
                            : "'" + shortened(tok->getText()) + "'";
    // A prediction that looked several tokens ahead fails at a later token
    // than the one the parser stands on; the expected set describes the
    // latter, so naming it would contradict what was found.
    if (tok->getTokenIndex() != parser->getCurrentToken()->getTokenIndex()) {
      diags.error(r, "unexpected " + found);
      return;
    }
    diags.error(r, "expected " + expected(*parser) + ", found " + found);
  }

  SourceRange rangeOf(Token *tok) const {
    uint32_t b = map(tok->getStartIndex());
    uint32_t e = tok->getType() == Token::EOF ? b : map(tok->getStopIndex() + 1);
    return {{file, b}, {file, e}};
  }
  unsigned count = 0;

private:
  std::string expected(antlr4::Parser &parser) {
    antlr4::misc::IntervalSet set = parser.getExpectedTokens();
    auto has = [&](size_t t) { return set.contains(t); };
    if (has(NNLexer::MODEL) && has(NNLexer::TRAIN))
      return "a declaration (import, const, model, fn, optimizer or train)";
    if (has(NNLexer::LET) && has(NNLexer::RETURN))
      return "a statement";
    if (has(NNLexer::PARAM) && has(NNLexer::STATE))
      return "a model member (param, state, a sub-model or fn)";
    if (has(NNLexer::ID) && has(NNLexer::INT) && has(NNLexer::L_PAREN))
      return "an expression";
    std::vector<std::string> words;
    for (ssize_t t : set.toList())
      words.push_back(describeToken(parser.getVocabulary(), t));
    if (words.empty())
      return "something else";
    if (words.size() > 6)
      words.resize(6);
    std::string out = words[0];
    for (size_t i = 1; i < words.size(); ++i)
      out += (i + 1 == words.size() ? " or " : ", ") + words[i];
    return out;
  }

  DiagnosticEngine &diags;
  uint32_t file;
  const OffsetMap &map;
  size_t lastLine = 0;
};

/// Converts a parse tree into the AST.
class Builder {
public:
  Builder(const SourceManager &sm, uint32_t file, DiagnosticEngine &diags,
          const OffsetMap &map)
      : sm(sm), file(file), diags(diags), map(map) {}

  std::unique_ptr<Module> program(NNParser::ProgramContext *ctx);

private:
  SourceRange range(ParserRuleContext *ctx) const {
    uint32_t b = map(ctx->getStart()->getStartIndex());
    Token *stop = ctx->getStop();
    uint32_t e = stop && stop->getType() != Token::EOF &&
                         stop->getStopIndex() + 1 >= ctx->getStart()->getStartIndex()
                     ? map(stop->getStopIndex() + 1)
                     : b;
    return {{file, b}, {file, e}};
  }
  SourceRange range(antlr4::tree::TerminalNode *n) const {
    Token *t = n->getSymbol();
    return {{file, map(t->getStartIndex())}, {file, map(t->getStopIndex() + 1)}};
  }
  SourceRange range(Token *t) const {
    return {{file, map(t->getStartIndex())}, {file, map(t->getStopIndex() + 1)}};
  }

  void topDecl(NNParser::TopDeclContext *ctx, Module &m);
  std::vector<Param> params(NNParser::ParamListContext *ctx);
  std::unique_ptr<FnDecl> fnDecl(NNParser::FnDeclContext *ctx);
  std::unique_ptr<FnDecl> fnParts(ParserRuleContext *whole,
                                  antlr4::tree::TerminalNode *name,
                                  NNParser::ParamListContext *ps);
  std::unique_ptr<ModelDecl> modelDecl(NNParser::ModelDeclContext *ctx);
  std::unique_ptr<OptimizerDecl> optimizerDecl(NNParser::OptimizerDeclContext *ctx);
  std::unique_ptr<TrainDecl> trainDecl(NNParser::TrainDeclContext *ctx);
  Block block(NNParser::BlockContext *ctx);
  StmtPtr stmt(NNParser::StmtContext *ctx);
  StmtPtr ifStmt(NNParser::IfStmtContext *ctx);
  TypeExprPtr type(NNParser::TypeContext *ctx);
  ExprPtr expr(NNParser::ExprContext *ctx);
  ExprPtr primary(NNParser::PrimaryContext *ctx);
  ExprPtr binary(NNParser::ExprContext *ctx, Token *op,
                 NNParser::ExprContext *l, NNParser::ExprContext *r);
  IndexItem indexItem(NNParser::IndexItemContext *ctx);
  std::string unescape(Token *t);

  const SourceManager &sm;
  uint32_t file;
  DiagnosticEngine &diags;
  const OffsetMap &map;
};

} // namespace

std::unique_ptr<Module> Builder::program(NNParser::ProgramContext *ctx) {
  auto m = std::make_unique<Module>();
  m->file = file;
  for (auto *d : ctx->topDecl())
    topDecl(d, *m);
  return m;
}

void Builder::topDecl(NNParser::TopDeclContext *ctx, Module &m) {
  if (auto *i = ctx->importDecl()) {
    m.imports.push_back({unescape(i->STRING()->getSymbol()), range(i)});
  } else if (auto *c = ctx->constDecl()) {
    auto d = std::make_unique<ConstDecl>();
    d->name = c->ID()->getText();
    d->range = range(c);
    d->nameRange = range(c->ID());
    d->type = c->type() ? type(c->type()) : nullptr;
    d->value = expr(c->expr());
    m.consts.push_back(std::move(d));
  } else if (auto *md = ctx->modelDecl()) {
    m.models.push_back(modelDecl(md));
  } else if (auto *f = ctx->fnDecl()) {
    m.functions.push_back(fnDecl(f));
  } else if (auto *o = ctx->optimizerDecl()) {
    m.optimizers.push_back(optimizerDecl(o));
  } else if (auto *t = ctx->trainDecl()) {
    m.trains.push_back(trainDecl(t));
  }
}

std::vector<Param> Builder::params(NNParser::ParamListContext *ctx) {
  std::vector<Param> out;
  if (!ctx)
    return out;
  for (auto *p : ctx->param()) {
    Param prm;
    prm.name = p->ID()->getText();
    prm.range = range(p);
    prm.type = p->type() ? type(p->type()) : nullptr;
    prm.defaultValue = p->expr() ? expr(p->expr()) : nullptr;
    out.push_back(std::move(prm));
  }
  return out;
}

std::unique_ptr<FnDecl> Builder::fnParts(ParserRuleContext *whole,
                                         antlr4::tree::TerminalNode *name,
                                         NNParser::ParamListContext *ps) {
  auto f = std::make_unique<FnDecl>();
  f->name = name->getText();
  f->range = range(whole);
  f->nameRange = range(name);
  f->params = params(ps);
  return f;
}

std::unique_ptr<FnDecl> Builder::fnDecl(NNParser::FnDeclContext *ctx) {
  auto f = fnParts(ctx, ctx->ID(), ctx->paramList());
  f->returnType = ctx->type() ? type(ctx->type()) : nullptr;
  f->body = block(ctx->block());
  return f;
}

std::unique_ptr<ModelDecl> Builder::modelDecl(NNParser::ModelDeclContext *ctx) {
  auto m = std::make_unique<ModelDecl>();
  m->name = ctx->ID()->getText();
  m->range = range(ctx);
  m->nameRange = range(ctx->ID());
  m->hyperParams = params(ctx->paramList());
  for (auto *mc : ctx->modelMember()) {
    ModelMember mm;
    mm.range = range(mc);
    if (auto *p = dynamic_cast<NNParser::ParamMemberContext *>(mc)) {
      mm.kind = ModelMember::Kind::Param;
      mm.name = p->ID()->getText();
      mm.nameRange = range(p->ID());
      mm.type = type(p->type());
      mm.init = expr(p->expr());
    } else if (auto *s = dynamic_cast<NNParser::StateMemberContext *>(mc)) {
      mm.kind = ModelMember::Kind::State;
      mm.name = s->ID()->getText();
      mm.nameRange = range(s->ID());
      mm.type = type(s->type());
      mm.init = expr(s->expr());
    } else if (auto *a = dynamic_cast<NNParser::ArrayMemberContext *>(mc)) {
      mm.kind = ModelMember::Kind::Array;
      mm.name = a->ID()->getText();
      mm.nameRange = range(a->ID());
      mm.init = expr(a->expr(0));
      mm.count = expr(a->expr(1));
    } else if (auto *sm = dynamic_cast<NNParser::SubModelMemberContext *>(mc)) {
      mm.kind = ModelMember::Kind::SubModel;
      mm.name = sm->ID()->getText();
      mm.nameRange = range(sm->ID());
      mm.init = expr(sm->expr());
    } else {
      auto *f = static_cast<NNParser::MethodMemberContext *>(mc);
      mm.kind = ModelMember::Kind::Method;
      mm.method = fnDecl(f->fnDecl());
      mm.name = mm.method->name;
      mm.nameRange = mm.method->nameRange;
    }
    m->members.push_back(std::move(mm));
  }
  return m;
}

std::unique_ptr<OptimizerDecl>
Builder::optimizerDecl(NNParser::OptimizerDeclContext *ctx) {
  auto o = std::make_unique<OptimizerDecl>();
  o->name = ctx->ID()->getText();
  o->range = range(ctx);
  o->nameRange = range(ctx->ID());
  o->hyperParams = params(ctx->paramList());
  for (auto *mc : ctx->optimizerMember()) {
    if (auto *s = dynamic_cast<NNParser::OptimizerStateContext *>(mc)) {
      o->states.push_back({s->ID()->getText(), range(s), expr(s->expr())});
      continue;
    }
    auto *u = static_cast<NNParser::OptimizerUpdateContext *>(mc);
    auto f = fnParts(u, u->ID(), u->paramList());
    f->body = block(u->block());
    if (f->name != "update") {
      diags.error(f->nameRange, "an optimizer has 'state' members and one "
                                "'update(p, g, t)', found '" + f->name + "'");
      continue;
    }
    if (o->update) {
      diags.error(f->nameRange, "optimizer '" + o->name +
                                    "' has more than one 'update'");
      continue;
    }
    o->update = std::move(f);
  }
  return o;
}

std::unique_ptr<TrainDecl> Builder::trainDecl(NNParser::TrainDeclContext *ctx) {
  auto t = std::make_unique<TrainDecl>();
  t->name = ctx->ID()->getText();
  t->range = range(ctx);
  t->nameRange = range(ctx->ID());
  for (auto *ic : ctx->trainItem()) {
    if (auto *f = dynamic_cast<NNParser::TrainFieldContext *>(ic)) {
      Token *name = f->getStart();
      t->fields.push_back({name->getText(), range(name), expr(f->expr())});
    } else if (auto *fn = dynamic_cast<NNParser::TrainFunctionContext *>(ic)) {
      auto d = fnParts(fn, fn->ID(), fn->paramList());
      auto ret = std::make_unique<ReturnStmt>(range(fn->expr()));
      ret->value = expr(fn->expr());
      d->body.push_back(std::move(ret));
      t->functions.push_back(std::move(d));
    } else {
      auto *s = static_cast<NNParser::TrainStepContext *>(ic);
      auto d = fnParts(s, s->ID(), s->paramList());
      d->body = block(s->block());
      if (d->name != "step")
        diags.error(d->nameRange, "a train block can hold fields, functions "
                                  "like 'loss(x, y) = ...' and one 'step(x, "
                                  "y) { ... }', found '" + d->name + " { ... }'");
      else if (t->step)
        diags.error(d->nameRange, "train block '" + t->name +
                                      "' has more than one 'step'");
      else
        t->step = std::move(d);
    }
  }
  return t;
}

Block Builder::block(NNParser::BlockContext *ctx) {
  Block b;
  for (auto *s : ctx->stmt())
    b.push_back(stmt(s));
  return b;
}

StmtPtr Builder::stmt(NNParser::StmtContext *ctx) {
  SourceRange r = range(ctx);
  if (auto *l = dynamic_cast<NNParser::LetStmtContext *>(ctx)) {
    auto s = std::make_unique<LetStmt>(r);
    s->names.push_back(l->ID()->getText());
    s->nameRanges.push_back(range(l->ID()));
    s->type = l->type() ? type(l->type()) : nullptr;
    s->value = expr(l->expr());
    return s;
  }
  if (auto *l = dynamic_cast<NNParser::LetTupleStmtContext *>(ctx)) {
    auto s = std::make_unique<LetStmt>(r);
    s->destructures = true;
    for (auto *id : l->ID()) {
      s->names.push_back(id->getText());
      s->nameRanges.push_back(range(id));
    }
    s->value = expr(l->expr());
    return s;
  }
  if (auto *v = dynamic_cast<NNParser::VarStmtContext *>(ctx)) {
    auto s = std::make_unique<VarStmt>(r);
    s->name = v->ID()->getText();
    s->nameRange = range(v->ID());
    s->type = v->type() ? type(v->type()) : nullptr;
    s->value = expr(v->expr());
    return s;
  }
  if (auto *a = dynamic_cast<NNParser::AssignStmtContext *>(ctx)) {
    auto s = std::make_unique<AssignStmt>(r);
    s->name = a->ID()->getText();
    s->nameRange = range(a->ID());
    s->value = expr(a->expr());
    return s;
  }
  if (auto *f = dynamic_cast<NNParser::ForStmtContext *>(ctx)) {
    auto s = std::make_unique<ForStmt>(r);
    s->var = f->ID()->getText();
    s->varRange = range(f->ID());
    s->lo = expr(f->expr(0));
    s->hi = expr(f->expr(1));
    s->body = block(f->block());
    return s;
  }
  if (auto *i = dynamic_cast<NNParser::IfStatementContext *>(ctx))
    return ifStmt(i->ifStmt());
  if (auto *ret = dynamic_cast<NNParser::ReturnStmtContext *>(ctx)) {
    auto s = std::make_unique<ReturnStmt>(r);
    s->value = expr(ret->expr());
    return s;
  }
  auto *m = static_cast<NNParser::MinimizeStmtContext *>(ctx);
  auto s = std::make_unique<MinimizeStmt>(r);
  s->optimizer = m->ID()->getText();
  s->optimizerRange = range(m->ID());
  s->loss = expr(m->expr());
  return s;
}

StmtPtr Builder::ifStmt(NNParser::IfStmtContext *ctx) {
  auto s = std::make_unique<IfStmt>(range(ctx));
  s->cond = expr(ctx->expr());
  s->thenBody = block(ctx->block(0));
  if (ctx->ELSE()) {
    s->hasElse = true;
    if (ctx->ifStmt())
      s->elseBody.push_back(ifStmt(ctx->ifStmt()));
    else
      s->elseBody = block(ctx->block(1));
  }
  return s;
}

TypeExprPtr Builder::type(NNParser::TypeContext *ctx) {
  auto t = std::make_unique<TypeExpr>();
  t->range = range(ctx);
  if (auto *tt = dynamic_cast<NNParser::TensorTypeContext *>(ctx)) {
    t->kind = TypeExpr::Kind::Tensor;
    t->name = tt->ID()->getText();
    t->nameRange = range(tt->ID());
    for (auto *d : tt->dim()) {
      t->dimRanges.push_back(range(d));
      auto *ed = dynamic_cast<NNParser::ExprDimContext *>(d);
      t->dims.push_back(ed ? expr(ed->expr()) : nullptr);
    }
  } else if (auto *tu = dynamic_cast<NNParser::TupleTypeContext *>(ctx)) {
    t->kind = TypeExpr::Kind::Tuple;
    for (auto *e : tu->type())
      t->elements.push_back(type(e));
  } else {
    auto *n = static_cast<NNParser::NamedTypeContext *>(ctx);
    t->name = n->ID()->getText();
    t->nameRange = range(n->ID());
  }
  return t;
}

ExprPtr Builder::binary(NNParser::ExprContext *ctx, Token *op,
                        NNParser::ExprContext *l, NNParser::ExprContext *r) {
  static const std::pair<size_t, BinaryOp> ops[] = {
      {NNLexer::POW, BinaryOp::Pow},     {NNLexer::STAR, BinaryOp::Mul},
      {NNLexer::SLASH, BinaryOp::Div},   {NNLexer::PERCENT, BinaryOp::Mod},
      {NNLexer::MATMUL, BinaryOp::Matmul}, {NNLexer::PLUS, BinaryOp::Add},
      {NNLexer::MINUS, BinaryOp::Sub},   {NNLexer::EQ, BinaryOp::Eq},
      {NNLexer::NE, BinaryOp::Ne},       {NNLexer::LT, BinaryOp::Lt},
      {NNLexer::LE, BinaryOp::Le},       {NNLexer::GT, BinaryOp::Gt},
      {NNLexer::GE, BinaryOp::Ge},       {NNLexer::AND, BinaryOp::And},
      {NNLexer::OR, BinaryOp::Or},       {NNLexer::PIPE, BinaryOp::Pipe}};
  BinaryOp bop = BinaryOp::Add;
  for (auto &[tok, b] : ops)
    if (tok == op->getType())
      bop = b;
  return std::make_unique<BinaryExpr>(range(ctx), bop, range(op), expr(l),
                                      expr(r));
}

ExprPtr Builder::expr(NNParser::ExprContext *ctx) {
  SourceRange r = range(ctx);
  if (auto *p = dynamic_cast<NNParser::PrimaryExprContext *>(ctx))
    return primary(p->primary());
  if (auto *c = dynamic_cast<NNParser::CallExprContext *>(ctx)) {
    std::vector<Arg> args;
    for (auto *a : c->arg()) {
      Arg arg;
      if (a->ID()) {
        arg.name = a->ID()->getText();
        arg.nameRange = range(a->ID());
      }
      arg.value = expr(a->expr());
      args.push_back(std::move(arg));
    }
    return std::make_unique<CallExpr>(r, expr(c->expr()), std::move(args));
  }
  if (auto *ix = dynamic_cast<NNParser::IndexExprContext *>(ctx)) {
    std::vector<IndexItem> items;
    for (auto *it : ix->indexItem())
      items.push_back(indexItem(it));
    return std::make_unique<IndexExpr>(r, expr(ix->expr()), std::move(items));
  }
  if (auto *m = dynamic_cast<NNParser::MemberExprContext *>(ctx))
    return std::make_unique<MemberExpr>(r, expr(m->expr()), m->ID()->getText(),
                                        range(m->ID()));
  if (auto *u = dynamic_cast<NNParser::UnaryExprContext *>(ctx))
    return std::make_unique<UnaryExpr>(
        r, u->op->getType() == NNLexer::MINUS ? UnaryOp::Neg : UnaryOp::Not,
        expr(u->expr()));
  if (auto *b = dynamic_cast<NNParser::PowExprContext *>(ctx))
    return binary(ctx, b->POW()->getSymbol(), b->expr(0), b->expr(1));
  if (auto *b = dynamic_cast<NNParser::MulExprContext *>(ctx))
    return binary(ctx, b->op, b->expr(0), b->expr(1));
  if (auto *b = dynamic_cast<NNParser::AddExprContext *>(ctx))
    return binary(ctx, b->op, b->expr(0), b->expr(1));
  if (auto *b = dynamic_cast<NNParser::CompareExprContext *>(ctx))
    return binary(ctx, b->op, b->expr(0), b->expr(1));
  if (auto *b = dynamic_cast<NNParser::AndExprContext *>(ctx))
    return binary(ctx, b->AND()->getSymbol(), b->expr(0), b->expr(1));
  if (auto *b = dynamic_cast<NNParser::OrExprContext *>(ctx))
    return binary(ctx, b->OR()->getSymbol(), b->expr(0), b->expr(1));
  auto *b = static_cast<NNParser::PipeExprContext *>(ctx);
  return binary(ctx, b->PIPE()->getSymbol(), b->expr(0), b->expr(1));
}

ExprPtr Builder::primary(NNParser::PrimaryContext *ctx) {
  SourceRange r = range(ctx);
  std::string text = ctx->getText();
  if (dynamic_cast<NNParser::IntLiteralContext *>(ctx)) {
    int64_t v = 0;
    if (llvm::StringRef(text).getAsInteger(10, v))
      diags.error(r, "integer literal '" + text + "' is too large");
    return std::make_unique<IntLit>(r, v);
  }
  if (dynamic_cast<NNParser::FloatLiteralContext *>(ctx)) {
    errno = 0;
    double v = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && std::abs(v) > 1.0)
      diags.error(r, "number '" + text + "' is too large for f64");
    return std::make_unique<FloatLit>(r, v);
  }
  if (auto *s = dynamic_cast<NNParser::StringLiteralContext *>(ctx))
    return std::make_unique<StringLit>(r, unescape(s->STRING()->getSymbol()));
  if (dynamic_cast<NNParser::BoolLiteralContext *>(ctx))
    return std::make_unique<BoolLit>(r, text == "true");
  if (dynamic_cast<NNParser::NoneLiteralContext *>(ctx))
    return std::make_unique<NoneLit>(r);
  if (dynamic_cast<NNParser::NameRefContext *>(ctx))
    return std::make_unique<NameExpr>(r, text);
  if (auto *p = dynamic_cast<NNParser::ParenExprContext *>(ctx))
    return expr(p->expr());
  std::vector<ExprPtr> elems;
  if (auto *t = dynamic_cast<NNParser::TupleExprContext *>(ctx)) {
    for (auto *e : t->expr())
      elems.push_back(expr(e));
    return std::make_unique<TupleExpr>(r, std::move(elems));
  }
  auto *l = static_cast<NNParser::ListExprContext *>(ctx);
  for (auto *e : l->expr())
    elems.push_back(expr(e));
  return std::make_unique<ListExpr>(r, std::move(elems));
}

IndexItem Builder::indexItem(NNParser::IndexItemContext *ctx) {
  IndexItem it;
  it.range = range(ctx);
  if (dynamic_cast<NNParser::EllipsisIndexContext *>(ctx)) {
    it.kind = IndexItem::Kind::Ellipsis;
  } else if (auto *s = dynamic_cast<NNParser::SliceIndexContext *>(ctx)) {
    it.kind = IndexItem::Kind::Slice;
    it.start = s->start ? expr(s->start) : nullptr;
    it.stop = s->stop ? expr(s->stop) : nullptr;
    it.step = s->step ? expr(s->step) : nullptr;
  } else {
    it.index = expr(static_cast<NNParser::PlainIndexContext *>(ctx)->expr());
  }
  return it;
}

std::string Builder::unescape(Token *t) {
  std::string raw = t->getText();
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    char c = raw[++i];
    switch (c) {
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case '\\': out += '\\'; break;
    case '"': out += '"'; break;
    default: {
      // Token text is UTF-8, so its byte offsets are the source's; the
      // escaped character may take several bytes.
      size_t len = 1;
      while (i + len < raw.size() && (raw[i + len] & 0xC0) == 0x80)
        ++len;
      uint32_t at = map(t->getStartIndex()) + i - 1;
      diags.error(SourceRange({file, at}, {file, uint32_t(at + 1 + len)}),
                  "unknown escape sequence '\\" + raw.substr(i, len) +
                      "' in string (known: \\n \\t \\\\ \\\")");
      i += len - 1;
    }
    }
  }
  return out;
}

std::unique_ptr<Module> nnc::parseFile(const SourceManager &sm, uint32_t fileId,
                                       DiagnosticEngine &diags) {
  if (!scanSource(sm, fileId, diags))
    return nullptr;
  llvm::StringRef text = sm.fileText(fileId);
  OffsetMap map(text);
  antlr4::ANTLRInputStream input(text.str());
  NNLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  NNParser parser(&tokens);
  parser.removeErrorListeners();

  // Stage 1: SLL, bail out at the first error (almost all inputs end here).
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  NNParser::ProgramContext *tree = nullptr;
  try {
    tree = parser.program();
  } catch (antlr4::ParseCancellationException &) {
    tree = nullptr;
  }
  // Stage 2: full LL with recovery, reporting every error.
  ErrorListener listener(diags, fileId, map);
  if (!tree) {
    tokens.seek(0);
    parser.reset();
    parser.addErrorListener(&listener);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    tree = parser.program();
  }
  if (listener.count != 0 || parser.getNumberOfSyntaxErrors() != 0)
    return nullptr;
  if (tree->topDecl().empty()) {
    bool blank = text.find_first_not_of(" \t\r\n\f") == llvm::StringRef::npos;
    diags.error(SourceRange({fileId, 0}),
                llvm::Twine(blank ? "file is empty"
                                  : "file has no declarations, only comments") +
                    "; expected at least one declaration (import, const, "
                    "model, fn, optimizer or train)");
    return nullptr;
  }
  unsigned before = diags.numErrors();
  auto module = Builder(sm, fileId, diags, map).program(tree);
  return diags.numErrors() == before ? std::move(module) : nullptr;
}
