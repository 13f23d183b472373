// Every jls output format, from hand-made records: no kernel, no state directory.
// Expected texts are FreeBSD's printf layouts and libxo documents, written out by hand.
#include <gtest/gtest.h>

#include "cli/jls_format.h"

using namespace jails;
using namespace jails::cli;

namespace {

using Params = std::vector<std::pair<std::string, std::vector<std::string>>>;

jail::Record rec(int jid, std::string name, std::string path, Params params, std::string state = "active") {
  jail::Record r;
  r.jid = jid;
  r.name = std::move(name);
  r.path = std::move(path);
  r.state = std::move(state);
  r.params = std::move(params);
  return r;
}

// www: a jail with addresses; db: none; both as jail(8) records them.
std::vector<jail::Record> two_jails() {
  return {rec(1, "www", "/usr/jails/www",
              {{"host", {"new"}}, {"host.hostname", {"www.example.org"}}, {"ip4", {"new"}},
               {"ip4.addr", {"192.0.2.10", "192.0.2.11"}}, {"ip6.addr", {"2001:db8::10"}},
               {"persist", {"true"}}, {"meta", {"a b c"}}}),
          rec(2, "db", "/usr/jails/db", {{"host.hostname", {"db"}}, {"persist", {"false"}}})};
}

HostFacts host() {
  HostFacts h;
  h.release = "6.1.0-13-amd64";
  h.hostname = "hosty";
  h.cpuset_id = {{"www", 4}, {"db", 5}};
  return h;
}

std::string jls(const std::vector<std::string>& args, const std::vector<jail::Record>& recs = two_jails()) {
  auto opt = parse_jls_args(args);
  EXPECT_TRUE(opt) << opt.error().what();
  if (!opt) return "";
  EXPECT_TRUE(check_params(*opt));
  std::vector<JailView> views;
  for (const auto& r : recs) views.push_back(view_of(r, recs, host()));
  return format_jls(*opt, views);
}

struct Case {
  const char* what;
  std::vector<std::string> args;
  std::string out;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.what; }


const std::string kSpaces22(22, ' ');

class JlsText : public ::testing::TestWithParam<Case> {};

TEST_P(JlsText, PrintsFreeBSDLayout) { EXPECT_EQ(jls(GetParam().args), GetParam().out); }

INSTANTIATE_TEST_SUITE_P(
    Formats, JlsText,
    ::testing::Values(
        Case{"default", {},
             "   JID  IP Address      Hostname                      Path\n"
             "     1  192.0.2.10      www.example.org               /usr/jails/www\n"
             "     2                  db                            /usr/jails/db\n"},
        Case{"name_column", {"-N"},
             " JID             IP Address      Hostname                      Path\n"
             " www             192.0.2.10      www.example.org               /usr/jails/www\n"
             " db                              db                            /usr/jails/db\n"},
        Case{"verbose", {"-v"},
             "   JID  Hostname                      Path\n"
             "        Name                          State\n"
             "        CPUSetID\n"
             "        IP Address(es)\n"
             "     1  www.example.org               /usr/jails/www\n"
             "        www                           ACTIVE\n"
             "        4\n"
             "        192.0.2.10\n"
             "        192.0.2.11\n"
             "        2001:db8::10\n"
             "     2  db                            /usr/jails/db\n"
             "        db                            ACTIVE\n"
             "        5\n"},
        Case{"header_params", {"-h", "jid", "name", "host.hostname"},
             "jid name host.hostname\n1 www www.example.org\n2 db db\n"},
        Case{"params_plain", {"jid", "ip4.addr", "persist", "host.domainname"},
             "1 192.0.2.10,192.0.2.11 true \"\"\n2 - false \"\"\n"},
        Case{"nameval", {"-n", "name", "persist", "allow.raw_sockets", "ip4.addr", "host.domainname"},
             "name=www persist allow.noraw_sockets ip4.addr=192.0.2.10,192.0.2.11 host.domainname=\"\"\n"
             "name=db nopersist allow.noraw_sockets ip4.addr= host.domainname=\"\"\n"},
        Case{"nameval_unquoted", {"-n", "meta"}, "meta=a b c\nmeta=\"\"\n"},
        Case{"nameval_quoted", {"-nq", "meta", "ip4.addr"},
             "meta=\"a b c\" ip4.addr=192.0.2.10,192.0.2.11\nmeta=\"\" ip4.addr=\"\"\n"},
        Case{"negated_boolean", {"-n", "nopersist", "allow.noset_hostname"},
             "persist allow.set_hostname\nnopersist allow.set_hostname\n"},
        Case{"settable_only", {"-s", "name", "dying", "host.hostname", "ip4.addr", "osrelease", "jid", "persist"},
             "name=www host.hostname=www.example.org ip4.addr=192.0.2.10,192.0.2.11 jid=1 persist\n"
             "name=db host.hostname=db ip4.addr=\"\" jid=2 nopersist\n"},
        Case{"verbose_then_n", {"-v", "-n", "name"}, "name=www\nname=db\n"},
        Case{"s_then_h", {"-s", "-h", "name", "dying"}, "name dying\nname=www nodying\nname=db nodying\n"},
        Case{"repeat_once", {"name", "name", "jid"}, "www 1\ndb 2\n"},
        Case{"read_only", {"-h", "dying", "parent", "children.cur", "cpuset.id", "osrelease", "osreldate"},
             "dying parent children.cur cpuset.id osrelease osreldate\n"
             "false 0 0 4 6.1.0-13-amd64 393472\n"
             "false 0 0 5 6.1.0-13-amd64 393472\n"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(JlsFormat, DefaultTruncatesAsFreeBSDPrintf) {
  std::string host(40, 'h'), path = "/" + std::string(90, 'p');
  auto out = jls({}, {rec(7, "long", path, {{"host.hostname", {host}}, {"ip4.addr", {"em0|10.0.0.1/24"}}})});
  EXPECT_EQ(out, "   JID  IP Address      Hostname" + kSpaces22 + "Path\n" + "     7  10.0.0.1        " +
                     std::string(29, 'h') + " " + path.substr(0, 74) + "\n");
}

TEST(JlsFormat, NameColumnIsNotTruncated) {
  auto out = jls({"-N"}, {rec(3, "a_rather_long_jail_name", "/j", {{"host.hostname", {"h"}}})});
  EXPECT_EQ(out.substr(out.find('\n') + 1), " a_rather_long_jail_name                 h" + std::string(28, ' ') + " /j\n");
}

TEST(JlsFormat, QuotingPicksTheOtherQuote) {
  auto out = jls({"-nq", "meta", "env"},
                 {rec(1, "q", "/", {{"meta", {"it's"}}, {"env", {"say \"hi\""}}}),
                  rec(2, "t", "/", {{"meta", {"a\tb"}}, {"env", {"plain"}}})});
  EXPECT_EQ(out, "meta=\"it's\" env='say \"hi\"'\nmeta=\"a\tb\" env=plain\n");
}

TEST(JlsFormat, SettableSkipsUnderInheritedJailsys) {
  auto out = jls({"-s", "host", "host.hostname", "ip4", "ip4.addr", "ip4.saddrsel"},
                 {rec(1, "i", "/", {{"host", {"inherit"}}, {"ip4", {"inherit"}}, {"host.hostname", {"x"}}})});
  EXPECT_EQ(out, "host=inherit ip4=inherit\n");
}

TEST(JlsFormat, AddressesAsTheKernelKeepsThem) {
  auto recs = {rec(1, "a", "/", {{"ip4.addr", {"lo|127.0.0.2/8", "10.1.1.1 skip"}}, {"ip6.addr", {""}}})};
  EXPECT_EQ(jls({"-n", "ip4.addr", "ip6.addr"}, recs), "ip4.addr=127.0.0.2,10.1.1.1 ip6.addr=\n");
}

TEST(JlsFormat, InheritedHostnameIsTheHosts) {
  EXPECT_EQ(jls({"host.hostname"}, {rec(1, "i", "/", {{"host", {"inherit"}}})}), "hosty\n");
}

TEST(JlsFormat, ParentAndChildren) {
  std::vector<jail::Record> recs{rec(1, "a", "/", {}), rec(2, "a.b", "/", {}), rec(3, "a.b.c", "/", {}),
                                 rec(4, "ab", "/", {})};
  EXPECT_EQ(jls({"name", "parent", "children.cur"}, recs), "a 0 2\na.b 1 1\na.b.c 2 0\nab 0 0\n");
}

TEST(JlsFormat, DyingJailShowsDying) {
  auto out = jls({"-v"}, {rec(9, "d", "/d", {{"host.hostname", {"d"}}}, "dying")});
  EXPECT_NE(out.find("        d                             DYING\n"), std::string::npos) << out;
  EXPECT_EQ(jls({"-n", "dying"}, {rec(9, "d", "/d", {}, "dying")}), "dying\n");
}

TEST(JlsFormat, NoJailsPrintsHeaderOnly) {
  EXPECT_EQ(jls({}, {}), "   JID  IP Address      Hostname" + kSpaces22 + "Path\n");
  EXPECT_EQ(jls({"-h", "jid"}, {}), "jid\n");
  EXPECT_EQ(jls({"jid"}, {}), "");
  EXPECT_EQ(jls({"--libxo", "json"}, {}), "{\"__version\": \"2\", \"jail-information\": {\"jail\": []}}\n");
}

TEST(JlsFormat, AllIsKernelRegistrationOrder) {
  auto out = jls({"-h"}, {});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.rfind("devfs_ruleset dying enforce_statfs env host ip4 ip6 jid linux meta name osreldate "
                      "osrelease parent path persist securelevel sysvmsg sysvsem sysvshm vnet allow.adjtime ",
                      0),
            0u)
      << out;
  EXPECT_EQ(out.find("exec."), std::string::npos) << "pseudo-parameters are jail(8)'s, not the kernel's";
  EXPECT_EQ(out.find("command"), std::string::npos);
  EXPECT_NE(out.find(" children.cur children.max cpuset.id host.domainname "), std::string::npos) << out;
}

TEST(JlsFormat, NamevalAllHasEveryParameterOnce) {
  auto all = jls({"-n"});
  auto first = all.substr(0, all.find('\n'));
  EXPECT_NE(first.find("devfs_ruleset=0 nodying enforce_statfs=2 env=\"\" host=new ip4=new ip6=new jid=1 "
                       "linux=new meta=a b c name=www osreldate=393472 osrelease=6.1.0-13-amd64 parent=0 "
                       "path=/usr/jails/www persist securelevel=-1 sysvmsg=disable"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find(" allow.noraw_sockets "), std::string::npos);
  EXPECT_NE(first.find(" allow.set_hostname "), std::string::npos);
  EXPECT_NE(first.find(" host.hostuuid=00000000-0000-0000-0000-000000000000 "), std::string::npos);
  EXPECT_EQ(first.find("persist persist"), std::string::npos);
}

TEST(JlsFormat, LinuxVersionCode) {
  EXPECT_EQ(linux_version_code("6.18.0"), (6 << 16) + (18 << 8));
  EXPECT_EQ(linux_version_code("5.10.209-1-cloud"), (5 << 16) + (10 << 8) + 209);
  EXPECT_EQ(linux_version_code("4.9.300"), (4 << 16) + (9 << 8) + 255);
  EXPECT_EQ(linux_version_code("6.1"), (6 << 16) + (1 << 8));
  EXPECT_EQ(linux_version_code(""), 0);
}

// --libxo: the documents FreeBSD's jls writes (usr.sbin/jail/tests and libxo's layout).
class JlsLibxo : public ::testing::TestWithParam<Case> {};

TEST_P(JlsLibxo, WritesLibxoDocument) { EXPECT_EQ(jls(GetParam().args), GetParam().out); }

const std::string kHead = "{\"__version\": \"2\", \"jail-information\": {\"jail\": [";

INSTANTIATE_TEST_SUITE_P(
    Documents, JlsLibxo,
    ::testing::Values(
        Case{"json_default", {"--libxo", "json"},
             kHead + "{\"jid\":1,\"ipv4\":\"192.0.2.10\",\"hostname\":\"www.example.org\",\"path\":\"/usr/jails/www\"}, "
                     "{\"jid\":2,\"ipv4\":\"\",\"hostname\":\"db\",\"path\":\"/usr/jails/db\"}]}}\n"},
        Case{"json_name_column", {"--libxo=json", "-N"},
             kHead + "{\"name\":\"www\",\"ipv4\":\"192.0.2.10\",\"hostname\":\"www.example.org\",\"path\":\"/usr/jails/www\"}, "
                     "{\"name\":\"db\",\"ipv4\":\"\",\"hostname\":\"db\",\"path\":\"/usr/jails/db\"}]}}\n"},
        Case{"json_params", {"--libxo", "json", "name", "meta"},
             kHead + "{\"name\":\"www\",\"meta\":\"a b c\"}, {\"name\":\"db\",\"meta\":\"\"}]}}\n"},
        Case{"json_verbose", {"-v", "--libxo", "json"},
             kHead + "{\"jid\":1,\"hostname\":\"www.example.org\",\"path\":\"/usr/jails/www\",\"name\":\"www\","
                     "\"state\":\"ACTIVE\",\"cpusetid\":4, \"ipv4_addrs\": [\"192.0.2.10\",\"192.0.2.11\"], "
                     "\"ipv6_addrs\": [\"2001:db8::10\"]}, "
                     "{\"jid\":2,\"hostname\":\"db\",\"path\":\"/usr/jails/db\",\"name\":\"db\","
                     "\"state\":\"ACTIVE\",\"cpusetid\":5, \"ipv4_addrs\": [], \"ipv6_addrs\": []}]}}\n"},
        Case{"json_nameval", {"--libxo", "json", "-n", "persist", "ip4.addr", "jid", "host.hostname"},
             kHead + "{\"persist\":true, \"ip4.addr\": [\"192.0.2.10\",\"192.0.2.11\"],\"jid\":\"1\","
                     "\"host.hostname\":\"www.example.org\"}, "
                     "{\"persist\":false, \"ip4.addr\": [],\"jid\":\"2\",\"host.hostname\":\"db\"}]}}\n"},
        Case{"json_plain_bool", {"--libxo", "json", "persist"},
             kHead + "{\"persist\":\"true\"}, {\"persist\":\"false\"}]}}\n"},
        Case{"xml_default", {"--libxo", "xml"},
             "<jail-information version=\"2\"><jail><jid>1</jid><ipv4>192.0.2.10</ipv4>"
             "<hostname>www.example.org</hostname><path>/usr/jails/www</path></jail>"
             "<jail><jid>2</jid><ipv4></ipv4><hostname>db</hostname><path>/usr/jails/db</path></jail>"
             "</jail-information>\n"},
        Case{"xml_addresses", {"--libxo", "xml", "ip4.addr"},
             "<jail-information version=\"2\"><jail><ipv4_addr>192.0.2.10</ipv4_addr><ipv4_addr>192.0.2.11"
             "</ipv4_addr></jail><jail></jail></jail-information>\n"},
        Case{"json_pretty", {"--libxo", "json,pretty", "jid", "ip4.addr"},
             "{\n  \"__version\": \"2\",\n  \"jail-information\": {\n    \"jail\": [\n"
             "      {\n        \"jid\": \"1\",\n        \"ip4.addr\": [\n          \"192.0.2.10\",\n"
             "          \"192.0.2.11\"\n        ]\n      },\n"
             "      {\n        \"jid\": \"2\",\n        \"ip4.addr\": []\n      }\n    ]\n  }\n}\n"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(JlsFormat, JsonEscapesStrings) {
  auto out = jls({"--libxo", "json", "meta"}, {rec(1, "e", "/", {{"meta", {"a\"b\\c\nd"}}})});
  EXPECT_EQ(out, kHead + "{\"meta\":\"a\\\"b\\\\c\\nd\"}]}}\n");
}

TEST(JlsFormat, XmlEscapes) {
  auto out = jls({"--libxo", "xml", "meta"}, {rec(1, "e", "/", {{"meta", {"<a&b>"}}})});
  EXPECT_EQ(out, "<jail-information version=\"2\"><jail><meta>&lt;a&amp;b&gt;</meta></jail></jail-information>\n");
}

}  // namespace
