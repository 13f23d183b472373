#include "bpf_eval.h"

#include <linux/audit.h>
#include <string.h>

#include <cerrno>
#include <cstddef>
#include <stdexcept>

namespace jails::test {

namespace {

uint32_t load_word(const seccomp_data& d, uint32_t off) {
  if (off + 4 > sizeof d || off % 4 != 0) throw std::runtime_error("bpf: load out of seccomp_data");
  uint32_t v;
  memcpy(&v, reinterpret_cast<const char*>(&d) + off, 4);
  return v;
}

uint32_t alu(uint16_t op, uint32_t a, uint32_t x) {
  switch (op) {
    case BPF_ADD: return a + x;
    case BPF_SUB: return a - x;
    case BPF_MUL: return a * x;
    case BPF_DIV: return x ? a / x : 0;
    case BPF_AND: return a & x;
    case BPF_OR: return a | x;
    case BPF_XOR: return a ^ x;
    case BPF_LSH: return a << x;
    case BPF_RSH: return a >> x;
    case BPF_NEG: return -a;
  }
  throw std::runtime_error("bpf: unknown alu op");
}

bool jump_taken(uint16_t op, uint32_t a, uint32_t v) {
  switch (op) {
    case BPF_JEQ: return a == v;
    case BPF_JGT: return a > v;
    case BPF_JGE: return a >= v;
    case BPF_JSET: return (a & v) != 0;
  }
  throw std::runtime_error("bpf: unknown jump op");
}

}  // namespace

namespace {

uint32_t run(const std::vector<sock_filter>& prog, const seccomp_data& data, int* steps) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    ++*steps;
    const sock_filter& i = prog[pc];
    uint32_t src = BPF_SRC(i.code) == BPF_X ? x : i.k;
    switch (BPF_CLASS(i.code)) {
      case BPF_LD:
        if (BPF_MODE(i.code) == BPF_ABS) a = load_word(data, i.k);
        else if (BPF_MODE(i.code) == BPF_IMM) a = i.k;
        else if (BPF_MODE(i.code) == BPF_MEM) a = mem[i.k % BPF_MEMWORDS];
        else if (BPF_MODE(i.code) == BPF_LEN) a = sizeof data;
        else throw std::runtime_error("bpf: unknown ld mode");
        break;
      case BPF_LDX:
        if (BPF_MODE(i.code) == BPF_IMM) x = i.k;
        else if (BPF_MODE(i.code) == BPF_MEM) x = mem[i.k % BPF_MEMWORDS];
        else if (BPF_MODE(i.code) == BPF_LEN) x = sizeof data;
        else throw std::runtime_error("bpf: unknown ldx mode");
        break;
      case BPF_ST: mem[i.k % BPF_MEMWORDS] = a; break;
      case BPF_STX: mem[i.k % BPF_MEMWORDS] = x; break;
      case BPF_ALU: a = alu(BPF_OP(i.code), a, src); break;
      case BPF_JMP:
        if (BPF_OP(i.code) == BPF_JA) pc += i.k;
        else pc += jump_taken(BPF_OP(i.code), a, src) ? i.jt : i.jf;
        break;
      case BPF_RET: return BPF_RVAL(i.code) == BPF_A ? a : i.k;
      case BPF_MISC:
        if (BPF_MISCOP(i.code) == BPF_TAX) x = a;
        else a = x;
        break;
    }
  }
  throw std::runtime_error("bpf: program ran off its end");
}

}  // namespace

uint32_t bpf_run(const std::vector<sock_filter>& prog, const seccomp_data& data) {
  int steps = 0;
  return run(prog, data, &steps);
}

int bpf_steps(const std::vector<sock_filter>& prog, const seccomp_data& data) {
  int steps = 0;
  run(prog, data, &steps);
  return steps;
}

seccomp_data seccomp_call(int nr, std::initializer_list<uint64_t> args) {
  seccomp_data d{};
  d.nr = nr;
  d.arch = AUDIT_ARCH_X86_64;
  int n = 0;
  for (uint64_t v : args) d.args[n++] = v;
  return d;
}

const char* verdict_name(uint32_t ret) {
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW: return "allow";
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD: return "kill";
    case SECCOMP_RET_TRAP: return "trap";
    case SECCOMP_RET_ERRNO: {
      const char* n = strerrorname_np(static_cast<int>(ret & SECCOMP_RET_DATA));
      return n ? n : "errno?";
    }
  }
  return "other";
}

}  // namespace jails::test
