/*
 * Drydock's free-space probe: statfs("/") and one JSON line on stdout, nothing else.
 *
 * Drydock runs it in a throwaway container (read-only root, no network, removed on exit) whose
 * root filesystem sits on the engine's data root, so the figures are those of the disk the
 * engine writes to, wherever that is: a VM, another mount namespace, another machine.
 *
 * No libc: a static binary of a few hundred bytes that needs nothing in its image. Built for
 * x86_64 and aarch64 by scripts/build-probe.sh (which also writes src/core/engine/probe-binaries.ts).
 * Both architectures use the generic 64-bit `struct statfs` layout below.
 */

typedef unsigned long u64;

struct kstatfs {
  long f_type;
  long f_bsize;
  u64 f_blocks;
  u64 f_bfree;
  u64 f_bavail;
  u64 f_files;
  u64 f_ffree;
  int f_fsid[2];
  long f_namelen;
  long f_frsize;
  long f_flags;
  long f_spare[4];
};

#if defined(__x86_64__)
#define SYS_WRITE 1
#define SYS_STATFS 137
#define SYS_EXIT_GROUP 231

static long syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
#define SYS_WRITE 64
#define SYS_STATFS 43
#define SYS_EXIT_GROUP 94

static long syscall3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#else
#error "the probe is built for x86_64 and aarch64 only"
#endif

static char *put_text(char *out, const char *text) {
  while (*text) *out++ = *text++;
  return out;
}

static char *put_number(char *out, u64 value) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  while (count) *out++ = digits[--count];
  return out;
}

static char *put_field(char *out, const char *name, u64 value) {
  out = put_text(out, name);
  return put_number(out, value);
}

__attribute__((noreturn)) static void finish(int code) {
  for (;;) syscall3(SYS_EXIT_GROUP, code, 0, 0);
}

__attribute__((noreturn, used)) void probe_main(void) {
  struct kstatfs st;
  char line[512];
  char *out = line;
  long err = syscall3(SYS_STATFS, (long)"/", (long)&st, 0);
  if (err < 0) {
    out = put_field(out, "{\"error\":", (u64)-err);
  } else {
    out = put_field(out, "{\"bsize\":", (u64)st.f_bsize);
    out = put_field(out, ",\"frsize\":", (u64)st.f_frsize);
    out = put_field(out, ",\"blocks\":", st.f_blocks);
    out = put_field(out, ",\"bfree\":", st.f_bfree);
    out = put_field(out, ",\"bavail\":", st.f_bavail);
    out = put_field(out, ",\"files\":", st.f_files);
    out = put_field(out, ",\"ffree\":", st.f_ffree);
    out = put_field(out, ",\"type\":", (u64)(unsigned int)st.f_type);
  }
  out = put_text(out, "}\n");
  syscall3(SYS_WRITE, 1, (long)line, out - line);
  finish(err < 0 ? 1 : 0);
}

/* The entry point: the kernel starts us with the stack aligned; keep it so and call in. */
#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n  xor %rbp, %rbp\n  and $-16, %rsp\n  call probe_main\n");
#else
__asm__(".text\n.global _start\n_start:\n  mov x29, #0\n  mov x30, #0\n  bl probe_main\n");
#endif
