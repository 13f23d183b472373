// The checked value of each parameter of one jail, indexed by ParamId (resolve.cc's first
// half; resolve_spec.cc turns it into a JailSpec). Private to conf/.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "conf/expand.h"
#include "conf/param_table.h"

namespace jails::conf {

struct Value {
  bool set = false;
  std::vector<std::string> values;  // canonical: "true"/"false", integers, jailsys words
  Loc loc;
};

struct KeyEdit {  // meta.KEY / env.KEY
  ParamId target;
  std::string key;
  std::optional<std::string> value;  // nullopt: remove the key
};

struct Values {
  std::array<Value, static_cast<size_t>(ParamId::count_)> v;
  std::vector<KeyEdit> edits;

  const Value& operator[](ParamId id) const { return v[static_cast<size_t>(id)]; }
  Value& operator[](ParamId id) { return v[static_cast<size_t>(id)]; }
  bool is_set(ParamId id) const { return (*this)[id].set; }
  // The last value, or "" when unset or empty.
  const std::string& last(ParamId id) const;
  bool flag(ParamId id) const;        // a Bool's value, or its default
  int64_t number(ParamId id) const;   // an Int's value, or its default (0 if none)
};

// Looks up and type-checks every parameter of a jail.
Result<Values> check_values(const JailConf& jail);

// "NAME: FILE:LINE:COL: msg" (NAME omitted when empty).
std::unexpected<Error> jail_error(const JailConf& jail, const Loc& loc, std::string_view msg);

}  // namespace jails::conf
