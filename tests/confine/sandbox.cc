#include "sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "kernel/cgroup.h"

namespace jails::test {

namespace fs = std::filesystem;

std::string ProbeOutput::get(const std::string& key) const {
  for (const auto& [k, v] : lines)
    if (k == key) return v;
  return "<missing>";
}

std::vector<std::string> ProbeOutput::all(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : lines)
    if (k == key) out.push_back(v);
  return out;
}

std::string ProbeOutput::text() const {
  std::string s = "status " + std::to_string(status) + "\n";
  for (const auto& [k, v] : lines) s += k + "=" + v + "\n";
  return s;
}

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "sandbox: %s: %m\n", what);
  ::_exit(120);
}

void must(bool ok, const char* what) {
  if (!ok) die(what);
}

// The lead's child does the same (jail/child.cc): proc with /proc/sys read-only, sysfs
// read-only, the new /dev, then pivot_root.
void build_root(const std::string& root, const SandboxOptions& o) {
  auto at = [&](const char* sub) { return root + sub; };
  must(::mount(root.c_str(), root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0, "bind root");
  must(::mount("proc", at("/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0, "proc");
  for (const char* sub : {"/proc/sys", "/proc/sysrq-trigger"}) {
    if (::access(at(sub).c_str(), F_OK) < 0) continue;  // no CONFIG_MAGIC_SYSRQ
    must(::mount(at(sub).c_str(), at(sub).c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0, "bind proc/sys");
    must(::mount(nullptr, at(sub).c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0, "ro proc/sys");
  }
  if (o.plan) {
    const char* step = "";
    if (int err = kernel::mask_proc(at("/proc").c_str(), *o.plan, &step)) {
      errno = err;
      die(step);
    }
  }
  must(::mount("sysfs", at("/sys").c_str(), "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0, "sysfs");
  must(::mount("tmp", at("/tmp").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0, "tmp");
  const char* step = "";
  const kernel::DevfsPlan& devfs = o.plan ? o.plan->devfs : o.devfs;
  if (int err = kernel::make_devfs(at("/dev").c_str(), devfs, &step)) {
    errno = err;
    die(step);
  }
  if (o.extra_tun_node)
    must(::mknod(at("/dev/tun").c_str(), S_IFCHR | 0666, makedev(10, 200)) == 0, "mknod tun");
  must(::chdir(root.c_str()) == 0, "chdir root");
  must(::syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root");
  must(::umount2(".", MNT_DETACH) == 0, "umount old root");
  must(::chdir("/") == 0, "chdir /");
}

// Opened before pivot_root, written after the root is built: the device cgroup also
// refuses mknod of nodes outside its list, and the test's extra node must exist first.
void join_cgroup(int procs_fd) {
  char pid[32];
  int n = std::snprintf(pid, sizeof pid, "%d", ::getpid());
  must(::write(procs_fd, pid, n) == n, "join device cgroup");
  ::close(procs_fd);
}

// pid 1 of the sandbox: builds the root, confines itself, becomes jail-probe.
[[noreturn]] void sandbox_init(const std::string& root, const std::vector<std::string>& args,
                               const SandboxOptions& o) {
  int procs_fd = -1;
  if (!o.device_cgroup.empty())
    must((procs_fd = ::open((o.device_cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC)) >= 0, "open cgroup.procs");
  build_root(root, o);
  if (procs_fd >= 0) join_cgroup(procs_fd);
  must(::sethostname("confine-test", 12) == 0, "sethostname");
  std::vector<char*> argv;
  static char probe[] = "/probe";
  argv.push_back(probe);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (o.plan) {
    const char* step = "";
    if (int err = kernel::apply_confinement(*o.plan, &step)) {
      errno = err;
      die(step);
    }
  }
  if (o.setuid_probe_as >= 0)
    must(::setgid(o.setuid_probe_as) == 0 && ::setuid(o.setuid_probe_as) == 0, "setuid(unprivileged)");
  ::execv(probe, argv.data());
  die("execv /probe");
}

[[noreturn]] void sandbox_parent(const std::string& root, const std::vector<std::string>& args,
                                 const SandboxOptions& o, int out_fd) {
  ::dup2(out_fd, 1);
  must(::unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP) == 0, "unshare");
  must(::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) == 0, "rslave /");
  pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid == 0) sandbox_init(root, args, o);
  int st = 0;
  ::waitpid(pid, &st, 0);
  ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

std::string make_root(const SandboxOptions& o) {
  std::string tmpl = "/tmp/t" + std::to_string(::getpid()) + "_confine_XXXXXX";
  must(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  for (const char* d : {"/dev", "/proc", "/sys", "/tmp"}) fs::create_directory(tmpl + d);
  fs::copy_file(JAIL_PROBE_PATH, tmpl + "/probe");
  fs::permissions(tmpl, fs::perms(0755));
  if (o.setuid_probe_as >= 0) must(::chmod((tmpl + "/probe").c_str(), 04755) == 0, "chmod u+s probe");
  return tmpl;
}

}  // namespace

ProbeOutput run_probe(const std::vector<std::string>& args, const SandboxOptions& opts) {
  std::string root = make_root(opts);
  int pipefd[2];
  must(::pipe2(pipefd, O_CLOEXEC) == 0, "pipe");
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) sandbox_parent(root, args, opts, pipefd[1]);
  ::close(pipefd[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  ::close(pipefd[0]);
  int status = -1;
  ::waitpid(pid, &status, 0);
  fs::remove_all(root);
  return parse_probe(text, status);
}

ProbeOutput parse_probe(const std::string& text, int status) {
  ProbeOutput out;
  out.status = status;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    size_t eq = line.find('=');
    if (eq != std::string::npos) out.lines.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> default_denials(pid_t host_pid) {
  std::string pid = std::to_string(host_pid);
  return {
      {"mount_tmpfs", "EPERM"},     {"raw_socket", "EPERM"},      {"packet_socket", "EPERM"},
      {"vsock_socket", "EPERM"},    {"settime", "EPERM"},         {"adjtime", "EPERM"},
      {"mknod", "EPERM"},           {"write_proc_sys", "EROFS"},  {"write_sys", "EROFS"},
      {"kill_pid=" + pid, "ESRCH"}, {"ptrace_pid=" + pid, "ESRCH"},
      {"keyctl", "EPERM"},          {"bpf", "EPERM"},             {"perf_event_open", "EPERM"},
      {"setrlimit_raise", "EPERM"}, {"module_load", "EPERM"},     {"reboot", "EPERM"},
      {"kexec", "EPERM"},           {"swapon", "EPERM"},          {"msgget", "ENOSYS"},
      {"semget", "ENOSYS"},         {"shmget", "ENOSYS"},         {"chflags", "EPERM"},
      {"mlock", "EPERM"},           {"syslog", "EPERM"},          {"tiocsti", "EPERM"},
      {"setns", "EPERM"},           {"unshare_net", "EPERM"},     {"unshare_user", "EPERM"},
      {"unshare_mnt", "EPERM"},     {"clone_newns", "EPERM"},     {"clone3", "ENOSYS"},
      {"io_uring", "EPERM"},        {"userfaultfd", "EPERM"},     {"open_by_handle", "EPERM"},
      {"ioprio_rt", "EPERM"},       {"kind=/proc/kmsg", "char 1:3"},
  };
}

}  // namespace jails::test
