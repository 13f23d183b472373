#include "conf/lexer.h"

#include <fmt/format.h>

namespace jails::conf {
namespace {

// FreeBSD: the characters of an unquoted token ([A-Za-z0-9_!%&()\-.:<>?@\[\]^`|~]).
bool atom_char(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("_!%&()-.:<>?@[]^`|~").find(c) != std::string_view::npos;
}
bool var_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool var_char(char c) { return var_start(c) || (c >= '0' && c <= '9'); }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// FreeBSD text2lval: applies backslash escapes to s. With stop_at_var, stops at the first
// unescaped '$' and returns its offset in s (npos if none). A NUL produced by an escape
// ends the string, as it does for FreeBSD's C strings.
size_t unescape(std::string_view s, bool stop_at_var, std::string& out) {
  out.clear();
  bool cut = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      if (stop_at_var && c == '$') return i;
      if (!cut) out += c;
      continue;
    }
    if (++i >= s.size()) break;
    c = s[i];
    int v = -1;
    if (c >= '0' && c <= '7') {
      v = c - '0';
      for (int n = 0; n < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++n)
        v = v * 8 + (s[++i] - '0');
      v &= 0xff;
    } else if (c == 'x') {
      v = 0;
      for (int n = 0; n < 2 && i + 1 < s.size() && hex_value(s[i + 1]) >= 0; ++n)
        v = v * 16 + hex_value(s[++i]);
    } else if (c == '\n') {
      continue;  // backslash-newline: both removed
    } else {
      static const std::string_view from = "abfnrtv", to = "\a\b\f\n\r\t\v";
      size_t k = from.find(c);
      v = static_cast<unsigned char>(k == std::string_view::npos ? c : to[k]);
    }
    if (v == 0) cut = true;
    if (!cut) out += static_cast<char>(v);
  }
  return std::string_view::npos;
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  Result<std::vector<Token>> run() {
    while (pos_ < s_.size()) {
      bool ok = dq_ ? step_dq() : step();
      if (!ok) return std::unexpected(error_);
    }
    Token end{Tok::End, "", "", here()};
    out_.push_back(end);
    return std::move(out_);
  }

 private:
  Loc here() const { return Loc{file_, line_, col_}; }

  void advance(size_t n) {
    for (size_t i = 0; i < n && pos_ < s_.size(); ++i, ++pos_) {
      if (s_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
  }

  bool fail_at(const Loc& loc, std::string_view what) {
    error_ = Error{fmt::format("{}:{}:{}: {}", loc.file, loc.line, loc.column, what), 0};
    return false;
  }

  void emit_piece(bool var, std::string text, size_t rawlen, const Loc& loc) {
    Tok kind = var ? (instr_ ? Tok::Var1 : Tok::Var) : (instr_ ? Tok::Str1 : Tok::Str);
    instr_ = true;
    out_.push_back(Token{kind, std::move(text), std::string(s_.substr(pos_, rawlen)), loc});
    advance(rawlen);
  }

  // Length of a backslash escape token at pos (FreeBSD: \\(.|\n|[0-7]{1,3}|x[0-9A-Fa-f]{1,2})).
  size_t escape_len(size_t p) const {
    if (p + 1 >= s_.size()) return 1;
    char c = s_[p + 1];
    size_t n = 2;
    if (c >= '0' && c <= '7') {
      while (n < 4 && p + n < s_.size() && s_[p + n] >= '0' && s_[p + n] <= '7') ++n;
    } else if (c == 'x') {
      while (n < 4 && p + n < s_.size() && hex_value(s_[p + n]) >= 0) ++n;
    }
    return n;
  }

  // End (offset of the closing quote) of a quoted string whose body starts at p, or npos.
  size_t closing_quote(size_t p, char q) const {
    for (; p < s_.size(); ++p) {
      if (s_[p] == '\\') {
        ++p;
        continue;
      }
      if (s_[p] == q) return p;
    }
    return std::string_view::npos;
  }

  bool lex_variable() {
    Loc loc = here();
    if (pos_ + 1 < s_.size() && var_start(s_[pos_ + 1])) {
      size_t n = 2;
      while (pos_ + n < s_.size() && var_char(s_[pos_ + n])) ++n;
      emit_piece(true, std::string(s_.substr(pos_ + 1, n - 1)), n, loc);
      return true;
    }
    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
      // FreeBSD: ${...} may not contain a newline or braces (nor '"' inside double quotes).
      for (size_t p = pos_ + 2; p < s_.size(); ++p) {
        char c = s_[p];
        if (c == '\\' && p + 1 < s_.size()) {
          ++p;
          continue;
        }
        if (c == '}') {
          std::string name;
          unescape(s_.substr(pos_ + 2, p - pos_ - 2), false, name);
          emit_piece(true, std::move(name), p + 1 - pos_, loc);
          return true;
        }
        if (c == '\n' || c == '{' || (dq_ && c == '"')) break;
      }
      return fail_at(loc, "unterminated variable");
    }
    emit_piece(false, "$", 1, loc);  // a lone '$' is an ordinary character
    return true;
  }

  bool lex_escape() {
    Loc loc = here();
    size_t n = escape_len(pos_);
    std::string text;
    unescape(s_.substr(pos_, n), false, text);
    emit_piece(false, std::move(text), n, loc);
    return true;
  }

  // The rest of a double-quoted string up to its closing quote or its next variable.
  bool lex_dq_body(size_t body) {
    Loc loc = here();
    size_t close = closing_quote(body, '"');
    if (close == std::string_view::npos) return fail_at(loc, "unterminated string");
    std::string text;
    size_t var = unescape(s_.substr(body, close - body), true, text);
    if (var == std::string_view::npos) {
      emit_piece(false, std::move(text), close + 1 - pos_, loc);
      dq_ = false;
    } else {
      emit_piece(false, std::move(text), body + var - pos_, loc);
      dq_ = true;
    }
    return true;
  }

  bool step_dq() {
    char c = s_[pos_];
    if (c == '"') {
      advance(1);
      dq_ = false;
      return true;
    }
    if (c == '$') return lex_variable();
    if (c == '\\') return lex_escape();
    return lex_dq_body(pos_);
  }

  bool skip_comment() {
    char c = s_[pos_];
    char d = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    if (c == '#' || (c == '/' && d == '/')) {
      size_t eol = s_.find('\n', pos_);
      advance((eol == std::string_view::npos ? s_.size() : eol) - pos_);
      instr_ = false;
      return true;
    }
    if (c == '/' && d == '*') {
      size_t end = s_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        fail_at(here(), "unterminated comment");
        return true;
      }
      advance(end + 2 - pos_);
      instr_ = false;
      return true;
    }
    return false;
  }

  bool step() {
    char c = s_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      advance(1);
      instr_ = false;
      return true;
    }
    if (skip_comment()) return error_.message.empty();
    Loc loc = here();
    if (c == '+' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') {
      out_.push_back(Token{Tok::PlusEq, "+=", "+=", loc});
      advance(2);
      instr_ = false;
      return true;
    }
    if (c == ',' || c == ';' || c == '=' || c == '{' || c == '}') {
      out_.push_back(Token{Tok::Punct, std::string(1, c), std::string(1, c), loc});
      advance(1);
      instr_ = false;
      return true;
    }
    if (atom_char(c)) {
      size_t n = 1;
      while (pos_ + n < s_.size() && atom_char(s_[pos_ + n])) ++n;
      emit_piece(false, std::string(s_.substr(pos_, n)), n, loc);
      return true;
    }
    if (c == '\\') return lex_escape();
    if (c == '$') return lex_variable();
    if (c == '*' || c == '+' || c == '/') {
      emit_piece(false, std::string(1, c), 1, loc);
      return true;
    }
    if (c == '\'') {
      size_t close = closing_quote(pos_ + 1, '\'');
      if (close == std::string_view::npos) return fail_at(loc, "unterminated string");
      std::string text;
      unescape(s_.substr(pos_ + 1, close - pos_ - 1), false, text);
      emit_piece(false, std::move(text), close + 1 - pos_, loc);
      return true;
    }
    if (c == '"') return lex_dq_body(pos_ + 1);
    out_.push_back(Token{Tok::Other, std::string(1, c), std::string(1, c), loc});
    advance(1);
    instr_ = false;
    return true;
  }

  std::string_view s_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
  bool instr_ = false;  // FreeBSD's instr: the previous token was a string piece
  bool dq_ = false;     // FreeBSD's DQ state: inside a double-quoted string, after a variable
  std::vector<Token> out_;
  Error error_;
};

}  // namespace

Result<std::vector<Token>> lex(std::string_view text, const std::string& file) {
  return Lexer(text, file).run();
}

}  // namespace jails::conf
