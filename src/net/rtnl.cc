// Route netlink through libmnl: links, addresses, the default route.
#include "net/rtnl.h"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "base/unique_fd.h"

namespace jails::net {

namespace {

constexpr size_t kBuf = 32768;

nlmsghdr* header(char* buf, uint16_t type, uint16_t flags) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | flags;
  return nlh;
}

ifinfomsg* link_header(nlmsghdr* nlh, int ifindex) {
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  return ifi;
}

// libmnl's mnl_attr_for_each is C (void* conversions); the same walk for C++.
template <class F>
void for_each_attr(const nlmsghdr* nlh, size_t offset, F f) {
  auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, offset));
  auto* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh));
  while (mnl_attr_ok(a, static_cast<int>(tail - reinterpret_cast<const char*>(a)))) {
    f(a);
    a = mnl_attr_next(a);
  }
}

// One link's index and master, from an RTM_NEWLINK message.
struct LinkInfo {
  int index = 0;
  int master = 0;
  std::string alias;
};

int link_cb(const nlmsghdr* nlh, void* data) {
  auto* out = static_cast<std::vector<LinkInfo>*>(data);
  auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  LinkInfo li{ifi->ifi_index, 0};
  for_each_attr(nlh, sizeof(*ifi), [&](const nlattr* a) {
    if (mnl_attr_get_type(a) == IFLA_MASTER) li.master = static_cast<int>(mnl_attr_get_u32(a));
    if (mnl_attr_get_type(a) == IFLA_IFALIAS) li.alias = mnl_attr_get_str(a);
  });
  out->push_back(li);
  return MNL_CB_OK;
}

struct AddrQuery {
  int ifindex;
  std::vector<IpAddr> out;
};

int addr_cb(const nlmsghdr* nlh, void* data) {
  auto* q = static_cast<AddrQuery*>(data);
  auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
  if (static_cast<int>(ifa->ifa_index) != q->ifindex) return MNL_CB_OK;
  IpAddr a;
  a.family = ifa->ifa_family;
  a.prefix = ifa->ifa_prefixlen;
  size_t len = a.family == AF_INET ? 4 : 16;
  bool have_local = false;
  for_each_attr(nlh, sizeof(*ifa), [&](const nlattr* at) {
    int t = mnl_attr_get_type(at);
    if ((t == IFA_LOCAL || (t == IFA_ADDRESS && !have_local)) && mnl_attr_get_payload_len(at) == len) {
      std::memcpy(a.bytes.data(), mnl_attr_get_payload(at), len);
      have_local = have_local || t == IFA_LOCAL;
    }
  });
  q->out.push_back(a);
  return MNL_CB_OK;
}

}  // namespace

Rtnl::Rtnl(mnl_socket* s) : nl_(s), portid_(mnl_socket_get_portid(s)) {}
Rtnl::Rtnl(Rtnl&& o) noexcept : nl_(std::exchange(o.nl_, nullptr)), portid_(o.portid_), seq_(o.seq_) {}
Rtnl::~Rtnl() {
  if (nl_) mnl_socket_close(nl_);
}

Result<Rtnl> Rtnl::open() {
  mnl_socket* s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!s) return sys_fail("socket(AF_NETLINK, NETLINK_ROUTE)");
  if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
    int e = errno;
    mnl_socket_close(s);
    return errno_fail(e, "bind(netlink route socket)");
  }
  return Rtnl(s);
}

// Linux: a socket belongs to the namespace it was made in, so this thread enters the
// jail's namespace just for socket() and returns at once.
Result<Rtnl> Rtnl::open_in(int netns_fd) {
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return sys_fail("open(/proc/thread-self/ns/net)");
  if (setns(netns_fd, CLONE_NEWNET) < 0) return sys_fail("setns(netns fd {}, CLONE_NEWNET)", netns_fd);
  auto r = open();
  if (setns(self.get(), CLONE_NEWNET) < 0) return sys_fail("setns(back to own network namespace)");
  return r;
}

Result<void> Rtnl::run(nlmsghdr* nlh, const std::string& what, Cb cb, void* data) {
  nlh->nlmsg_seq = ++seq_;
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return sys_fail("{}: sendto(netlink)", what);
  std::vector<char> buf(kBuf);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
    if (n < 0) return sys_fail("{}: recvfrom(netlink)", what);
    int r = mnl_cb_run(buf.data(), n, seq_, portid_, cb, data);
    if (r < 0) return sys_fail("{}", what);
    if (r == MNL_CB_STOP) return {};
  }
}

Result<void> Rtnl::request(nlmsghdr* nlh, const std::string& what) {
  nlh->nlmsg_flags |= NLM_F_ACK;
  return run(nlh, what, nullptr, nullptr);
}

Result<std::optional<int>> Rtnl::link_index(const std::string& name) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_GETLINK, NLM_F_ACK);
  link_header(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  std::vector<LinkInfo> links;
  auto r = run(nlh, fmt::format("RTM_GETLINK({})", name), link_cb, &links);
  if (!r && r.error().err == ENODEV) return std::nullopt;
  if (!r) return std::unexpected(r.error());
  if (links.empty()) return std::nullopt;
  return links.front().index;
}

Result<std::optional<int>> Rtnl::link_master(int ifindex) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_GETLINK, NLM_F_ACK);
  link_header(nlh, ifindex);
  std::vector<LinkInfo> links;
  TRY(run(nlh, fmt::format("RTM_GETLINK(ifindex {})", ifindex), link_cb, &links));
  if (links.empty() || links.front().master == 0) return std::nullopt;
  return links.front().master;
}

Result<std::string> Rtnl::link_alias(int ifindex) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_GETLINK, NLM_F_ACK);
  link_header(nlh, ifindex);
  std::vector<LinkInfo> links;
  TRY(run(nlh, fmt::format("RTM_GETLINK(ifindex {})", ifindex), link_cb, &links));
  return links.empty() ? std::string() : links.front().alias;
}

Result<void> Rtnl::link_set_alias(int ifindex, const std::string& name, const std::string& alias) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, 0);
  link_header(nlh, ifindex);
  mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias.c_str());
  return request(nlh, fmt::format("RTM_NEWLINK({}, alias \"{}\")", name, alias));
}

Result<std::vector<int>> Rtnl::bridge_ports(int bridge) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_GETLINK, NLM_F_DUMP);
  link_header(nlh, 0);
  std::vector<LinkInfo> links;
  TRY(run(nlh, "RTM_GETLINK(dump)", link_cb, &links));
  std::vector<int> ports;
  for (const auto& l : links)
    if (l.master == bridge) ports.push_back(l.index);
  return ports;
}

Result<void> Rtnl::link_up(int ifindex, const std::string& name) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, 0);
  ifinfomsg* ifi = link_header(nlh, ifindex);
  ifi->ifi_change = IFF_UP;
  ifi->ifi_flags = IFF_UP;
  return request(nlh, fmt::format("RTM_NEWLINK({}, up)", name));
}

Result<void> Rtnl::link_set_netns(int ifindex, const std::string& name, int netns_fd) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, 0);
  link_header(nlh, ifindex);
  mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
  return request(nlh, fmt::format("RTM_NEWLINK({}, netns fd {})", name, netns_fd));
}

Result<void> Rtnl::link_set_master(int ifindex, const std::string& name, int master) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, 0);
  link_header(nlh, ifindex);
  mnl_attr_put_u32(nlh, IFLA_MASTER, static_cast<uint32_t>(master));
  return request(nlh, fmt::format("RTM_NEWLINK({}, master ifindex {})", name, master));
}

Result<void> Rtnl::link_delete(int ifindex, const std::string& name) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_DELLINK, 0);
  link_header(nlh, ifindex);
  return request(nlh, fmt::format("RTM_DELLINK({})", name));
}

Result<void> Rtnl::add_bridge(const std::string& name) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  link_header(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
  mnl_attr_nest_end(nlh, info);
  return request(nlh, fmt::format("RTM_NEWLINK({}, bridge)", name));
}

Result<void> Rtnl::add_veth(const std::string& name, const std::array<uint8_t, 6>& mac,
                            const std::string& peer, const std::array<uint8_t, 6>& peer_mac,
                            int peer_netns_fd) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  link_header(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  mnl_attr_put(nlh, IFLA_ADDRESS, mac.size(), mac.data());
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  nlattr* p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
  // The peer is described by an ifinfomsg followed by its own attributes.
  auto* pi = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload_tail(nlh));
  nlh->nlmsg_len += MNL_ALIGN(sizeof(ifinfomsg));
  std::memset(pi, 0, sizeof *pi);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, peer.c_str());
  mnl_attr_put(nlh, IFLA_ADDRESS, peer_mac.size(), peer_mac.data());
  mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_netns_fd));
  mnl_attr_nest_end(nlh, p);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, info);
  return request(nlh, fmt::format("RTM_NEWLINK({}, veth peer {} in netns fd {})", name, peer,
                                  peer_netns_fd));
}

Result<std::vector<IpAddr>> Rtnl::addresses(int ifindex) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_GETADDR, NLM_F_DUMP);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_UNSPEC;
  AddrQuery q{ifindex, {}};
  TRY(run(nlh, "RTM_GETADDR(dump)", addr_cb, &q));
  return q.out;
}

Result<void> Rtnl::address(bool add, int ifindex, const std::string& ifname, const IpAddr& a) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = static_cast<uint8_t>(a.family);
  ifa->ifa_prefixlen = static_cast<uint8_t>(a.prefix);
  ifa->ifa_index = static_cast<uint32_t>(ifindex);
  ifa->ifa_scope = a.loopback() ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  size_t len = a.v4() ? 4 : 16;
  mnl_attr_put(nlh, IFA_LOCAL, len, a.bytes.data());
  mnl_attr_put(nlh, IFA_ADDRESS, len, a.bytes.data());
  // Linux: an IPv6 address is "tentative" for a second or more (DAD) and cannot be bound;
  // FreeBSD's jail address is usable at once, so skip DAD.
  if (!a.v4()) mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
  return request(nlh, fmt::format("{}({} dev {})", add ? "RTM_NEWADDR" : "RTM_DELADDR", a.cidr(), ifname));
}

Result<void> Rtnl::default_route(const IpAddr& gw, int oif) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = header(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = static_cast<uint8_t>(gw.family);
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT;
  rtm->rtm_scope = RT_SCOPE_UNIVERSE;
  rtm->rtm_type = RTN_UNICAST;
  rtm->rtm_flags = RTNH_F_ONLINK;
  mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(oif));
  mnl_attr_put(nlh, RTA_GATEWAY, gw.v4() ? 4 : 16, gw.bytes.data());
  return request(nlh, fmt::format("RTM_NEWROUTE(default via {})", gw.str()));
}

}  // namespace jails::net
