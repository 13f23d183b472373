// jail-probe WHAT[=ARG]...: what a process inside a jail sees and may do.
//
// Observations: hostname, domainname, pid, ppid, ids, caps, mounts, ns, cgroup, dev.
// Attempts (probe_attempts.cc) print ok or the errno name, so a test can assert the exact
// denial. Static, no exceptions: it runs on a busybox root with no libraries.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "probe.h"

void print(const char* key, const char* value) { printf("%s=%s\n", key, value); }

void report(const char* key, long rc) {
  if (rc >= 0) {
    print(key, "ok");
    return;
  }
  const char* name = strerrorname_np(errno);
  print(key, name ? name : "EUNKNOWN");
}

namespace {

void print_status_field(const char* field, const char* key) {
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return report(key, -1);
  char line[512];
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) != 0 || line[n] != ':') continue;
    char* v = line + n + 1;
    while (*v == ' ' || *v == '\t') ++v;
    v[strcspn(v, "\n")] = 0;
    print(key, v);
  }
  fclose(f);
}

void print_mounts() {
  FILE* f = fopen("/proc/self/mountinfo", "r");
  if (!f) return report("mounts", -1);
  char line[4096];
  int count = 0;
  while (fgets(line, sizeof line, f)) {
    // id parent maj:min root mountpoint ...: print the mount point.
    char mp[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1) print("mount", mp);
    ++count;
  }
  fclose(f);
  printf("mounts=%d\n", count);
}

void print_ns() {
  static const char* const names[] = {"mnt", "pid", "uts", "ipc", "net", "cgroup", "user", "time"};
  for (const char* n : names) {
    char path[64], key[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", n);
    snprintf(key, sizeof key, "ns.%s", n);
    struct stat st;
    if (stat(path, &st) < 0) {
      report(key, -1);
      continue;
    }
    printf("%s=%lu\n", key, static_cast<unsigned long>(st.st_ino));
  }
}

void print_file(const char* key, const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) return report(key, -1);
  char line[512];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    print(key, line);
  }
  fclose(f);
}

void print_dev() {
  DIR* d = opendir("/dev");
  if (!d) return report("dev", -1);
  while (struct dirent* e = readdir(d))
    if (e->d_name[0] != '.') print("dev", e->d_name);
  closedir(d);
}

// kind=PATH: "char 1:3", "file", "dir", "link", or the errno name (without following links).
void print_kind(const char* path) {
  struct stat st;
  if (!path || lstat(path, &st) < 0) return report("kind", -1);
  char buf[64];
  if (S_ISCHR(st.st_mode)) snprintf(buf, sizeof buf, "char %u:%u", major(st.st_rdev), minor(st.st_rdev));
  else snprintf(buf, sizeof buf, "%s", S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : "other");
  print("kind", buf);
}

bool observe(const char* what, const char* arg) {
  struct utsname u;
  char buf[64];
  if (!strcmp(what, "hostname") || !strcmp(what, "domainname")) {
    uname(&u);
    print(what, what[0] == 'h' ? u.nodename : u.domainname);
  } else if (!strcmp(what, "pid") || !strcmp(what, "ppid")) {
    snprintf(buf, sizeof buf, "%d", what[0] == 'p' && what[1] == 'i' ? getpid() : getppid());
    print(what, buf);
  } else if (!strcmp(what, "ids")) {
    printf("uid=%d\ngid=%d\neuid=%d\n", getuid(), getgid(), geteuid());
  } else if (!strcmp(what, "caps")) {
    print_status_field("CapEff", "CapEff");
    print_status_field("CapPrm", "CapPrm");
    print_status_field("CapBnd", "CapBnd");
    print_status_field("CapInh", "CapInh");
    print_status_field("CapAmb", "CapAmb");
    print_status_field("Seccomp", "Seccomp");
    print_status_field("NoNewPrivs", "NoNewPrivs");
  } else if (!strcmp(what, "mounts")) {
    print_mounts();
  } else if (!strcmp(what, "ns")) {
    print_ns();
  } else if (!strcmp(what, "cgroup")) {
    print_file("cgroup", "/proc/self/cgroup");
  } else if (!strcmp(what, "dev")) {
    print_dev();
  } else if (!strcmp(what, "kind")) {
    print_kind(arg);
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: jail-probe WHAT[=ARG]...\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    char what[128];
    snprintf(what, sizeof what, "%s", argv[i]);
    char* eq = strchr(what, '=');
    const char* arg = nullptr;
    if (eq) {
      *eq = 0;
      arg = eq + 1 - what + argv[i];
    }
    if (observe(what, arg) || attempt(what, arg)) continue;
    fprintf(stderr, "jail-probe: unknown probe \"%s\"\n", what);
    status = 2;
  }
  return status;
}
