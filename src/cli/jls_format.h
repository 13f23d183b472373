// jls(8)'s arguments and output, as pure functions: argv in, options out; jail records
// in, text out. jls_cmd.cc adds the only impure parts (the records, uname, cgroup ids).
//
// The formats are FreeBSD's usr.sbin/jls/jls.c, printf widths and libxo key names
// included, so scripts written against FreeBSD's jls read ours unchanged.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "jail/record.h"

namespace jails::cli {

enum class OutputStyle { Text, Json, Xml };

// jls's flags, combined in the order given exactly as FreeBSD's main() combines its
// PRINT_* bits (a later -v clears an earlier -n, -s implies -nq, and so on).
struct JlsOptions {
  bool header = false;     // -h
  bool nameval = false;    // -n
  bool quoted = false;     // -q
  bool skip = false;       // -s: settable parameters only (implies -nq)
  bool verbose = false;    // -v
  bool jail_name = false;  // -N
  bool dying = false;      // -d (and FreeBSD's old -a)
  bool check = false;      // -c: no output, the exit status says whether the jail(s) exist
  std::string jail;        // -j: a jid or a name; "" = every jail
  std::vector<std::string> params;  // operands, "all" included as written
  OutputStyle style = OutputStyle::Text;  // --libxo
  bool pretty = false;                    // --libxo json,pretty
};

// args: argv without argv[0]. The error's message is what follows "jls: " on stderr.
Result<JlsOptions> parse_jls_args(const std::vector<std::string>& args);

// What jls shows of the host: the jail's osrelease, osreldate and the inherited
// hostname are the host's on Linux; cpuset.id is the jail's cpuset cgroup id.
struct HostFacts {
  std::string sysname = "Linux";
  std::string release;   // uname -r
  std::string hostname;  // uname -n: a host=inherit jail's hostname
  std::map<std::string, unsigned long long> cpuset_id;  // jail name -> cgroup inode
};

// One jail as jls sees it: every parameter jls can print, by canonical name, with its
// values (one for scalars, "true"/"false" for booleans, any number for ip4.addr/ip6.addr).
struct JailView {
  int jid = 0;
  std::string name;
  bool dying = false;
  std::map<std::string, std::vector<std::string>> values;
};

// `all` lists every jail, so that `parent` and `children.cur` can be filled in.
JailView view_of(const jail::Record& r, const std::vector<jail::Record>& all, const HostFacts& host);

// Checks the parameter operands before any jail is read, as FreeBSD does
// ("unknown parameter: X"); the error's message follows "jls: ".
Result<void> check_params(const JlsOptions& opt);

// The whole output for these jails (already selected: -j and -d applied), header and
// libxo wrapping included. Text ends each line with '\n'; JSON and XML end with one.
std::string format_jls(const JlsOptions& opt, const std::vector<JailView>& jails);

// Linux's KERNEL_VERSION(a, b, c) of a release string: what osreldate shows here.
long linux_version_code(const std::string& release);

}  // namespace jails::cli
