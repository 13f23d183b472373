// The glue between jail(8)'s command line and the lifecycle: which jails, in which
// order, with which operation, and the messages and exit status of each.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/expand.h"
#include "jail/lifecycle.h"

struct Op {
  bool create = false, modify = false, remove = false;
};

struct Target {
  jails::conf::JailConf conf;
  std::optional<jails::jail::Record> live;  // filled in by run_targets
};

// Runs op on each target, in dependency order; false if any failed.
bool run_targets(std::vector<Target> targets, const Op& op, const jails::jail::Options& opt);
// Form B: the named jail (with what it depends on) or every jail of the configuration.
bool run_configured(const std::string& name, const std::string& conf_file, const Op& op,
                    const jails::jail::Options& opt);
// Form C: jail -r / -R with names, jids, "*" or "foo.*".
bool remove_named(const std::vector<std::string>& keys, const std::string& conf_file, bool force,
                  const jails::jail::Options& opt);
