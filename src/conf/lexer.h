// jail.conf(5) tokens, exactly as FreeBSD's jaillex.l cuts them.
//
// FreeBSD: a string may come in pieces ("a"'b'c$x): the first piece of a run is Str or
// Var, each piece glued to it without white space is Str1 or Var1. The grammar takes a
// lone Str as a name and a run of pieces as a value, which is why `foo.*` unquoted is a
// syntax error (Str "foo." then Str1 "*") while "foo.*" is one Str.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"

namespace jails::conf {

enum class Tok {
  Str,    // first piece of a string
  Str1,   // a piece glued to the previous one
  Var,    // $name or ${name} starting a string
  Var1,   // $name or ${name} glued to the previous piece
  PlusEq, // +=
  Punct,  // one of , ; = { }
  Other,  // any other character (always a syntax error in the grammar)
  End,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;  // processed text (escapes applied), variable name, or the character
  std::string raw;   // the source text, for error messages
  Loc loc;
};

// Cuts a whole file into tokens. A lexical error (unterminated comment, string or
// variable) is reported as "FILE:LINE:COL: unterminated string".
Result<std::vector<Token>> lex(std::string_view text, const std::string& file);

}  // namespace jails::conf
