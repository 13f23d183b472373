#include "conf/parser.h"

#include <glob.h>

#include <cerrno>

#include <fmt/format.h>

#include "base/text.h"
#include "conf/lexer.h"

namespace jails::conf {
namespace {

constexpr int kMaxIncludeDepth = 32;  // FreeBSD: MAX_INCLUDE_DEPTH
constexpr int kMaxNesting = 64;       // nested jail blocks; bounds the recursion

std::unexpected<Error> fail_at(const Loc& loc, std::string_view what) {
  return std::unexpected(Error{fmt::format("{}:{}:{}: {}", loc.file, loc.line, loc.column, what), 0});
}

std::unexpected<Error> expected(const Token& t, std::string_view what) {
  if (t.kind == Tok::End) return fail_at(t.loc, fmt::format("unexpected end of file: expected {}", what));
  return fail_at(t.loc, fmt::format("syntax error at \"{}\": expected {}", t.raw, what));
}

bool is_punct(const Token& t, char c) { return t.kind == Tok::Punct && t.text[0] == c; }

bool has_glob_magic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

class Parser {
 public:
  explicit Parser(const LoadOptions& opts) : opts_(opts) {}

  Result<void> parse_file(std::string_view text, const std::string& file) {
    auto toks = TRY(lex(text, file));
    Cursor c{std::move(toks), 0, file};
    TRY(conf(c, false));
    return {};
  }

  SyntaxTree take() { return std::move(tree_); }

 private:
  struct Cursor {
    std::vector<Token> toks;
    size_t i = 0;
    std::string file;
    const Token& peek(size_t k = 0) const { return toks[std::min(i + k, toks.size() - 1)]; }
    const Token& next() { return toks[std::min(i++, toks.size() - 1)]; }
  };

  Result<void> conf(Cursor& c, bool nested) {
    for (;;) {
      const Token& t = c.peek();
      if (t.kind == Tok::End) {
        if (nested) return expected(t, "\"}\"");
        return {};
      }
      if (is_punct(t, '}') && nested) return {};
      if (is_punct(t, ';')) {
        c.next();
        continue;
      }
      if (t.kind == Tok::Str && is_punct(c.peek(1), '{')) {
        TRY(jail(c));
        continue;
      }
      if (t.kind != Tok::Str && t.kind != Tok::Var) return expected(t, "a parameter or a jail name");
      RawParam p = TRY(param(c));
      if (!is_punct(c.peek(), ';')) return expected(c.peek(), "\";\"");
      c.next();
      TRY(add(c, std::move(p)));
    }
  }

  Result<void> jail(Cursor& c) {
    const Token& t = c.next();
    if (++nesting_ > kMaxNesting) return fail_at(t.loc, "jail blocks nested too deeply");
    Section s;
    // FreeBSD: a jail defined inside another one is its hierarchical child.
    s.name = current_ < 0 ? t.text : tree_.sections[current_].name + "." + t.text;
    s.loc = t.loc;
    tree_.sections.push_back(std::move(s));
    int saved = current_;
    current_ = static_cast<int>(tree_.sections.size()) - 1;
    c.next();  // '{'
    TRY(conf(c, true));
    c.next();  // '}'
    current_ = saved;
    --nesting_;
    return {};
  }

  Result<RawString> string(Cursor& c) {
    const Token& t = c.peek();
    if (t.kind != Tok::Str && t.kind != Tok::Var) return expected(t, "a value");
    RawString s;
    for (bool first = true;; first = false) {
      const Token& p = c.peek();
      bool var = first ? p.kind == Tok::Var : p.kind == Tok::Var1;
      bool str = first ? p.kind == Tok::Str : p.kind == Tok::Str1;
      if (!var && !str) break;
      if (var) s.vars.push_back(VarRef{p.text, s.text.size()});
      else s.text += p.text;
      c.next();
    }
    return s;
  }

  Result<RawParam> param(Cursor& c) {
    const Token& t = c.next();
    RawParam p;
    p.name = t.text;
    p.is_var = t.kind == Tok::Var;
    p.loc = t.loc;
    const Token& n = c.peek();
    if (is_punct(n, '=') || n.kind == Tok::PlusEq) {
      p.append = n.kind == Tok::PlusEq;
      c.next();
    } else if (n.kind == Tok::Str || n.kind == Tok::Var) {
      p.nameval = true;
    } else {
      return p;  // a bare name: boolean true, or clears a list
    }
    p.values.push_back(TRY(string(c)));
    while (is_punct(c.peek(), ',')) {
      c.next();
      p.values.push_back(TRY(string(c)));
    }
    return p;
  }

  Result<void> add(Cursor& c, RawParam p) {
    // FreeBSD: only `.include "file";` (no '=', no '+=') is the directive; `.include = x`
    // is an ordinary (unknown) parameter.
    if (!p.is_var && !p.append && p.nameval && p.name == ".include") {
      for (const auto& v : p.values) {
        if (!v.vars.empty()) return fail_at(p.loc, "variables not permitted in '.include' filename");
        TRY(include(c.file, v.text, p.loc));
      }
      return {};
    }
    if (current_ >= 0) {
      tree_.sections[current_].params.push_back(std::move(p));
      return {};
    }
    if (global_ < 0) {
      Section g;
      g.name = "*";
      g.loc = p.loc;
      tree_.sections.push_back(std::move(g));
      global_ = static_cast<int>(tree_.sections.size()) - 1;
    }
    tree_.sections[global_].params.push_back(std::move(p));
    return {};
  }

  Result<std::vector<std::string>> expand_glob(const std::string& pattern, const Loc& loc) {
    glob_t g{};
    std::string full = opts_.root + pattern;
    int rc = ::glob(full.c_str(), 0, nullptr, &g);
    std::vector<std::string> out;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i] + opts_.root.size());
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) return fail_at(loc, fmt::format("{}: filename glob failed", pattern));
    return out;
  }

  Result<void> include(const std::string& from, std::string path, const Loc& loc) {
    if (depth_ >= kMaxIncludeDepth) return fail_at(loc, "maximum include depth exceeded");
    // FreeBSD: a relative name is taken from the including file's directory.
    if (from != "STDIN" && !path.empty() && path[0] != '/') {
      size_t slash = from.rfind('/');
      if (slash != std::string::npos) path = from.substr(0, slash + 1) + path;
    }
    std::vector<std::string> files;
    if (has_glob_magic(path)) files = TRY(expand_glob(path, loc));
    else files.push_back(path);
    ++depth_;
    for (const auto& f : files) {
      errno = 0;
      auto text = read_file(!f.empty() && f[0] == '/' ? opts_.root + f : f);
      if (!text) {
        --depth_;
        return std::unexpected(
            Error{fmt::format("{}:{}:{}: {}", loc.file, loc.line, loc.column, f), errno ? errno : ENOENT});
      }
      auto r = parse_file(*text, f);
      if (!r) {
        --depth_;
        return r;
      }
    }
    --depth_;
    return {};
  }

  const LoadOptions& opts_;
  SyntaxTree tree_;
  int current_ = -1;  // section of the enclosing jail block, -1 at top level
  int global_ = -1;   // FreeBSD's single global pseudo-jail "*"
  int depth_ = 0;
  int nesting_ = 0;
};

}  // namespace

Result<SyntaxTree> parse_tree(std::string_view text, const std::string& file, const LoadOptions& opts) {
  Parser p(opts);
  TRY(p.parse_file(text, file));
  return p.take();
}

bool wild_name(std::string_view name) {
  for (size_t i = name.find('*'); i != std::string_view::npos; i = name.find('*', i + 1)) {
    bool starts = i == 0 || name[i - 1] == '.';
    bool ends = i + 1 == name.size() || name[i + 1] == '.';
    if (starts && ends) return true;
  }
  return false;
}

bool wild_match(std::string_view jail, std::string_view wild) {
  // FreeBSD: a non-final "*" component matches one jail component, a final "*" matches
  // one or more.
  for (;;) {
    size_t jd = jail.find('.'), wd = wild.find('.');
    if (jd == std::string_view::npos || wd == std::string_view::npos) break;
    if (jail.substr(0, jd + 1) != wild.substr(0, wd + 1) && wild.substr(0, 2) != "*.") return false;
    jail.remove_prefix(jd + 1);
    wild.remove_prefix(wd + 1);
  }
  return jail == wild || wild == "*";
}

}  // namespace jails::conf
