// A tiny eBPF assembler: the few instructions the socket hooks need, and labels.
//
// The hooks are generated per jail with its addresses as constants (see
// socket_programs.cc), so they are built here as instructions rather than compiled
// from C: no clang, no BPF object files, no libbpf at run time; docs/network.md says more.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jails::net {

class BpfAsm {
 public:
  // dst = *(u32 *)(src + off)
  void ldx_w(int dst, int src, int16_t off) { emit(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0); }
  // *(u32 *)(dst + off) = src
  void stx_w(int dst, int src, int16_t off) { emit(BPF_STX | BPF_MEM | BPF_W, dst, src, off, 0); }
  // *(u32 *)(dst + off) = imm   (stack only: the verifier refuses BPF_ST into ctx)
  void st_w(int dst, int16_t off, int32_t imm) { emit(BPF_ST | BPF_MEM | BPF_W, dst, 0, off, imm); }
  void mov_imm(int dst, int32_t imm) { emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
  void mov32_imm(int dst, uint32_t imm) {
    emit(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, static_cast<int32_t>(imm));
  }
  void mov_reg(int dst, int src) { emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
  void mov32_reg(int dst, int src) { emit(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
  void and32_imm(int dst, uint32_t imm) {
    emit(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, static_cast<int32_t>(imm));
  }
  void add_imm(int dst, int32_t imm) { emit(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm); }
  void call(int helper) { emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
  void exit() { emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }
  // if (u32)reg == imm / != imm goto label  (32-bit compare: addresses are raw u32)
  void jeq32(int reg, uint32_t imm, const std::string& label) { jump(BPF_JMP32 | BPF_JEQ | BPF_K, reg, imm, label); }
  void jne32(int reg, uint32_t imm, const std::string& label) { jump(BPF_JMP32 | BPF_JNE | BPF_K, reg, imm, label); }
  // 64-bit signed compare with a small constant (helper return values)
  void jeq(int reg, int32_t imm, const std::string& label) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, reg, static_cast<uint32_t>(imm), label);
  }
  void ja(const std::string& label) { jump(BPF_JMP | BPF_JA, 0, 0, label); }
  void label(const std::string& name) { labels_[name] = static_cast<int>(code_.size()); }

  // Resolves the jumps; empty if a label is missing (a bug in the generator).
  std::vector<bpf_insn> finish() const {
    std::vector<bpf_insn> out = code_;
    for (const auto& [at, name] : fixups_) {
      auto it = labels_.find(name);
      if (it == labels_.end()) return {};
      out[at].off = static_cast<int16_t>(it->second - at - 1);
    }
    return out;
  }

 private:
  void emit(uint8_t code, int dst, int src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = static_cast<uint8_t>(dst);
    i.src_reg = static_cast<uint8_t>(src);
    i.off = off;
    i.imm = imm;
    code_.push_back(i);
  }
  void jump(uint8_t code, int reg, uint32_t imm, const std::string& label) {
    fixups_.emplace_back(static_cast<int>(code_.size()), label);
    emit(code, reg, 0, 0, static_cast<int32_t>(imm));
  }

  std::vector<bpf_insn> code_;
  std::map<std::string, int> labels_;
  std::vector<std::pair<int, std::string>> fixups_;
};

}  // namespace jails::net
