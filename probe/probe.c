/*
 * least-privilege probe: reports the security posture of one process as a single JSON object.
 *
 * It reads kernel truth from /proc/<pid>/ (status, attr, uid_map, mountinfo), the LSM list,
 * tries a real bind() on a low port and walks the root filesystem for setuid/setgid/file-cap
 * files. It never brute-forces syscalls and never uses ptrace (see probe/README.md).
 * The output shape is the ProbeReport type in src/docker/probe-report.ts.
 *
 * Built static with musl (probe/build.sh) so it runs as the entrypoint of a `scratch` image.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef PROBE_SOURCE_SHA256
#define PROBE_SOURCE_SHA256 "unknown"
#endif
/* The tag lets a test find the hash in a binary it cannot run (arm64 on an amd64 host). */
#define SOURCE_TAG "least-privilege-probe source-sha256="
static const char source_id[] = SOURCE_TAG PROBE_SOURCE_SHA256;

/* lsm_list_modules(2), Linux >= 6.8. Same number on x86_64 and in the asm-generic table (arm64). */
#if defined(__x86_64__) || defined(__aarch64__)
#define NR_LSM_LIST_MODULES 461
#endif

#define MAX_FILE_BYTES (4u << 20)
#define MAX_WALK_DEPTH 256
#define MAX_WALK_ERRORS 8

/* ---------- options ---------- */

static long opt_pid = -1; /* -1: self */
static int opt_walk = 1;
static long opt_port = 80;
static long opt_max_files = 50;
static int opt_listening = 0;

static char proc_dir[64];   /* /proc/self or /proc/N */
static char root_dir[64];   /* "" (our own /) or /proc/N/root */

/* ---------- errors[] ---------- */

struct probe_error {
  const char *item;
  int err;
  char detail[256];
};
static struct probe_error errors_list[64];
static int errors_count;

static void add_error(const char *item, int err, const char *detail) {
  if (errors_count >= (int)(sizeof errors_list / sizeof errors_list[0])) return;
  struct probe_error *e = &errors_list[errors_count++];
  e->item = item;
  e->err = err;
  e->detail[0] = 0;
  if (detail) {
    strncpy(e->detail, detail, sizeof e->detail - 1);
    e->detail[sizeof e->detail - 1] = 0;
  }
}

/* String helpers instead of the printf family, whose float formatting alone would add ~10 KB. */

/* Copies src into dst of size bytes, truncating; always NUL-terminated. */
static char *copy_str(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) n = size - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
  return dst;
}

/* Appends src to the string in dst (size bytes in all), truncating. */
static char *append_str(char *dst, size_t size, const char *src) {
  size_t len = strlen(dst);
  if (len + 1 < size) copy_str(dst + len, size - len, src);
  return dst;
}

/* Decimal text of v, written into buf (at least 24 bytes). */
static char *ull_str(char *buf, unsigned long long v) {
  char *p = buf + 23;
  *p = 0;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return p;
}

static const char *errno_name(int e) {
  switch (e) {
  case 0: return "OK";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ESRCH: return "ESRCH";
  case EINTR: return "EINTR";
  case EIO: return "EIO";
  case ENXIO: return "ENXIO";
  case E2BIG: return "E2BIG";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case EXDEV: return "EXDEV";
  case ENODEV: return "ENODEV";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case ENFILE: return "ENFILE";
  case EMFILE: return "EMFILE";
  case EFBIG: return "EFBIG";
  case ENOSPC: return "ENOSPC";
  case EROFS: return "EROFS";
  case ERANGE: return "ERANGE";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  case ENOSYS: return "ENOSYS";
  case ELOOP: return "ELOOP";
  case ENODATA: return "ENODATA";
  case EOVERFLOW: return "EOVERFLOW";
  case ENOTSOCK: return "ENOTSOCK";
  case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EADDRINUSE: return "EADDRINUSE";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case ENETDOWN: return "ENETDOWN";
  case ENETUNREACH: return "ENETUNREACH";
  case ENOBUFS: return "ENOBUFS";
  case ETIMEDOUT: return "ETIMEDOUT";
  case ESTALE: return "ESTALE";
  default: {
    static char buf[32], num[24];
    copy_str(buf, sizeof buf, "errno_");
    return append_str(buf, sizeof buf, ull_str(num, (unsigned)e));
  }
  }
}

/* ---------- JSON writer ---------- */

static int depth;
static unsigned char need_comma[64];
static int after_key;

static void before_value(void) {
  if (after_key) {
    after_key = 0;
    return;
  }
  if (depth > 0) {
    if (need_comma[depth]) putchar(',');
    need_comma[depth] = 1;
  }
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) len = 3;
  else if (c >= 0xF0 && c <= 0xF4) len = 4;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
  if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
  if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
  if (c == 0xF4 && s[1] > 0x8F) return 0; /* > U+10FFFF */
  return len;
}

static void escape_byte(unsigned c) {
  static const char hex[] = "0123456789abcdef";
  fputs("\\u00", stdout);
  putchar(hex[c >> 4]);
  putchar(hex[c & 15]);
}

/* Quoted JSON string; control characters and bytes that are not valid UTF-8 become \u00XX. */
static void json_string_n(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  putchar('"');
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c == '"' || c == '\\') {
      putchar('\\');
      putchar(c);
      i++;
    } else if (c == '\n') {
      fputs("\\n", stdout);
      i++;
    } else if (c == '\t') {
      fputs("\\t", stdout);
      i++;
    } else if (c == '\r') {
      fputs("\\r", stdout);
      i++;
    } else if (c < 0x20 || c == 0x7f) {
      escape_byte(c);
      i++;
    } else {
      size_t len = utf8_seq_len(s + i, n - i);
      if (len == 0) {
        escape_byte(c);
        i++;
      } else {
        fwrite(s + i, 1, len, stdout);
        i += len;
      }
    }
  }
  putchar('"');
}

static void v_str(const char *s) {
  before_value();
  if (s) json_string_n(s, strlen(s));
  else fputs("null", stdout);
}
static void v_strn(const char *s, size_t n) {
  before_value();
  json_string_n(s, n);
}
static void v_int(long long v) {
  before_value();
  char buf[24];
  if (v < 0) putchar('-');
  fputs(ull_str(buf, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v), stdout);
}
static void v_bool(int b) {
  before_value();
  fputs(b ? "true" : "false", stdout);
}
static void v_null(void) {
  before_value();
  fputs("null", stdout);
}
/* Tri-state: -1 null, 0 false, 1 true. */
static void v_tristate(int t) {
  if (t < 0) v_null();
  else v_bool(t);
}
static void key(const char *k) {
  before_value();
  json_string_n(k, strlen(k));
  putchar(':');
  after_key = 1;
}
static void open_(char c) {
  before_value();
  putchar(c);
  need_comma[++depth] = 0;
}
static void close_(char c) {
  depth--;
  putchar(c);
}
#define OBJ() open_('{')
#define END_OBJ() close_('}')
#define ARR() open_('[')
#define END_ARR() close_(']')

/* ---------- small helpers ---------- */

/* Whole file, NUL-terminated (proc files report size 0, so read to EOF). NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len_out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) {
    close(fd);
    errno = ENOMEM;
    return NULL;
  }
  for (;;) {
    if (len + 1 >= cap) {
      if (cap >= MAX_FILE_BYTES) break; /* big enough for any file we parse; keep what we have */
      char *nb = realloc(buf, cap * 2);
      if (!nb) break;
      buf = nb;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      close(fd);
      errno = e;
      return NULL;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = 0;
  if (len_out) *len_out = len;
  return buf;
}

static void path_join(char *out, size_t size, const char *a, const char *b) {
  copy_str(out, size, a);
  append_str(out, size, b);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == 0)) s[--n] = 0;
  return s;
}

/* Parses a decimal unsigned number; returns 0 on success. */
static int parse_ulong(const char *s, unsigned long long max, unsigned long long *out) {
  if (!*s) return -1;
  unsigned long long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    v = v * 10 + (unsigned)(*s - '0');
    if (v > max) return -1;
  }
  *out = v;
  return 0;
}

/* Value of "Key:\t..." in a status buffer, copied into out (trimmed). Returns 0 when found. */
static int status_field(const char *status, const char *name, char *out, size_t size) {
  size_t nlen = strlen(name);
  for (const char *p = status; p && *p;) {
    const char *eol = strchr(p, '\n');
    size_t llen = eol ? (size_t)(eol - p) : strlen(p);
    if (llen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == ':') {
      size_t vlen = llen - nlen - 1;
      if (vlen >= size) vlen = size - 1;
      memcpy(out, p + nlen + 1, vlen);
      out[vlen] = 0;
      char *t = trim(out);
      memmove(out, t, strlen(t) + 1);
      return 0;
    }
    p = eol ? eol + 1 : NULL;
  }
  out[0] = 0;
  return -1;
}

/* ---------- kernel ---------- */

static long cap_last_cap = -1;

static void emit_kernel(void) {
  struct utsname u;
  int have_uname = uname(&u) == 0;
  if (!have_uname) add_error("kernel.uname", errno, NULL);
  char *s = read_file("/proc/sys/kernel/cap_last_cap", NULL);
  if (s) {
    unsigned long long v;
    if (parse_ulong(trim(s), 63, &v) == 0) cap_last_cap = (long)v;
    else add_error("kernel.cap_last_cap", EINVAL, trim(s));
    free(s);
  } else {
    add_error("kernel.cap_last_cap", errno, "/proc/sys/kernel/cap_last_cap");
  }
  key("kernel");
  OBJ();
  key("release");
  v_str(have_uname ? u.release : "");
  key("machine");
  v_str(have_uname ? u.machine : "");
  key("cap_last_cap");
  if (cap_last_cap >= 0) v_int(cap_last_cap);
  else v_null();
  END_OBJ();
}

/* ---------- identity ---------- */

struct idtuple {
  long long v[4]; /* real, effective, saved, fs; -1 when unknown */
};

static int parse_idtuple(const char *raw, struct idtuple *t) {
  char buf[128];
  copy_str(buf, sizeof buf, raw);
  int n = 0;
  for (char *tok = strtok(buf, " \t"); tok && n < 4; tok = strtok(NULL, " \t")) {
    unsigned long long v;
    if (parse_ulong(tok, 0xffffffffull, &v) != 0) return -1;
    t->v[n++] = (long long)v;
  }
  return n == 4 ? 0 : -1;
}

static void emit_idtuple(const char *k, const struct idtuple *t) {
  key(k);
  OBJ();
  static const char *names[4] = {"real", "effective", "saved", "fs"};
  for (int i = 0; i < 4; i++) {
    key(names[i]);
    v_int(t->v[i]);
  }
  END_OBJ();
}

/* Name for id from a passwd/group style file (name:x:id:...), parsed by hand so no NSS is involved. */
static char *lookup_name(const char *file, const char *item, long long id, char *out, size_t size) {
  char path[128];
  path_join(path, sizeof path, root_dir, file);
  char *buf = read_file(path, NULL);
  if (!buf) {
    add_error(item, errno, path);
    return NULL;
  }
  char *found = NULL;
  for (char *line = buf; line && *line && !found;) {
    char *eol = strchr(line, '\n');
    if (eol) *eol = 0;
    char *f0 = line, *f1 = strchr(f0, ':');
    char *f2 = f1 ? strchr(f1 + 1, ':') : NULL;
    char *f3 = f2 ? strchr(f2 + 1, ':') : NULL;
    if (f1 && f2 && f3 && *f0 != '#') {
      *f1 = 0;
      *f3 = 0;
      unsigned long long v;
      if (parse_ulong(f2 + 1, 0xffffffffull, &v) == 0 && (long long)v == id) {
        copy_str(out, size, f0);
        found = out;
      }
    }
    line = eol ? eol + 1 : NULL;
  }
  free(buf);
  return found;
}

static long long effective_uid = -1;

static void emit_identity(const char *status) {
  char raw_uid[128], raw_gid[128], raw_groups[8192];
  struct idtuple uid = {{-1, -1, -1, -1}}, gid = {{-1, -1, -1, -1}};
  long long *groups = NULL;
  size_t ngroups = 0;

  if (status) {
    if (status_field(status, "Uid", raw_uid, sizeof raw_uid) != 0 || parse_idtuple(raw_uid, &uid) != 0)
      add_error("identity.uid", EINVAL, "Uid line in status");
    if (status_field(status, "Gid", raw_gid, sizeof raw_gid) != 0 || parse_idtuple(raw_gid, &gid) != 0)
      add_error("identity.gid", EINVAL, "Gid line in status");
    if (status_field(status, "Groups", raw_groups, sizeof raw_groups) != 0)
      add_error("identity.groups", EINVAL, "Groups line in status");
    char tmp[sizeof raw_groups];
    copy_str(tmp, sizeof tmp, raw_groups);
    groups = malloc(sizeof *groups * (strlen(tmp) / 2 + 1));
    for (char *tok = strtok(tmp, " \t"); groups && tok; tok = strtok(NULL, " \t")) {
      unsigned long long v;
      if (parse_ulong(tok, 0xffffffffull, &v) == 0) groups[ngroups++] = (long long)v;
    }
  } else if (opt_pid < 0) {
    /* No /proc: our own credentials still come from syscalls. */
    uid_t r, e, s;
    gid_t gr, ge, gs;
    if (getresuid(&r, &e, &s) == 0) uid = (struct idtuple){{r, e, s, (long long)(uid_t)setfsuid(-1)}};
    if (getresgid(&gr, &ge, &gs) == 0) gid = (struct idtuple){{gr, ge, gs, (long long)(gid_t)setfsgid(-1)}};
    raw_uid[0] = raw_gid[0] = raw_groups[0] = 0;
    int n = getgroups(0, NULL);
    if (n > 0) {
      gid_t *g = malloc(sizeof *g * (size_t)n);
      groups = malloc(sizeof *groups * (size_t)n);
      if (g && groups && (n = getgroups(n, g)) > 0)
        for (int i = 0; i < n; i++) groups[ngroups++] = g[i];
      free(g);
    }
  } else {
    raw_uid[0] = raw_gid[0] = raw_groups[0] = 0;
  }
  effective_uid = uid.v[1];

  char user_buf[256], group_buf[256];
  char *user_name = NULL, *group_name = NULL;
  if (uid.v[1] >= 0) user_name = lookup_name("/etc/passwd", "identity.passwd", uid.v[1], user_buf, sizeof user_buf);
  if (gid.v[1] >= 0) group_name = lookup_name("/etc/group", "identity.group", gid.v[1], group_buf, sizeof group_buf);

  key("identity");
  OBJ();
  emit_idtuple("uid", &uid);
  emit_idtuple("gid", &gid);
  key("groups");
  ARR();
  for (size_t i = 0; i < ngroups; i++) v_int(groups[i]);
  END_ARR();
  key("user_name");
  v_str(user_name);
  key("group_name");
  v_str(group_name);
  key("raw");
  OBJ();
  key("uid");
  v_str(raw_uid);
  key("gid");
  v_str(raw_gid);
  key("groups");
  v_str(raw_groups);
  END_OBJ();
  END_OBJ();
  free(groups);
}

/* ---------- capabilities ---------- */

/* linux/capability.h order; CAP_LAST_CAP is CHECKPOINT_RESTORE (40) as of Linux 6.x. */
static const char *const cap_names[] = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};
#define KNOWN_CAPS ((int)(sizeof cap_names / sizeof cap_names[0]))

static int parse_hex64(const char *s, uint64_t *out) {
  if (!*s || strlen(s) > 16) return -1;
  uint64_t v = 0;
  for (; *s; s++) {
    int d;
    if (*s >= '0' && *s <= '9') d = *s - '0';
    else if (*s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
    else return -1;
    v = (v << 4) | (uint64_t)d;
  }
  *out = v;
  return 0;
}

/* Emits one set; returns 0 and fills *mask when the status line was parsed. */
static int emit_capset(const char *status, const char *json_name, const char *field, const char *item,
                       uint64_t *mask) {
  char raw[64] = "";
  uint64_t v = 0;
  int ok = status && status_field(status, field, raw, sizeof raw) == 0 && parse_hex64(raw, &v) == 0;
  if (status && !ok) add_error(item, ENOENT, field);
  key(json_name);
  OBJ();
  key("raw");
  v_str(ok ? raw : "");
  key("names");
  ARR();
  for (int bit = 0; ok && bit < 64; bit++) {
    if (!(v & ((uint64_t)1 << bit))) continue;
    if (bit < KNOWN_CAPS) {
      v_str(cap_names[bit]);
    } else {
      char name[32], num[24];
      copy_str(name, sizeof name, "cap_");
      v_str(append_str(name, sizeof name, ull_str(num, (unsigned)bit)));
    }
  }
  END_ARR();
  END_OBJ();
  *mask = v;
  return ok ? 0 : -1;
}

static void emit_capabilities(const char *status) {
  uint64_t m, bnd = 0;
  int have_bnd;
  key("capabilities");
  OBJ();
  key("sets");
  OBJ();
  emit_capset(status, "inheritable", "CapInh", "capabilities.inheritable", &m);
  emit_capset(status, "permitted", "CapPrm", "capabilities.permitted", &m);
  emit_capset(status, "effective", "CapEff", "capabilities.effective", &m);
  have_bnd = emit_capset(status, "bounding", "CapBnd", "capabilities.bounding", &bnd) == 0;
  emit_capset(status, "ambient", "CapAmb", "capabilities.ambient", &m);
  END_OBJ();
  /* Without cap_last_cap, judge against every capability this probe knows. */
  long last = cap_last_cap >= 0 ? cap_last_cap : KNOWN_CAPS - 1;
  uint64_t all = last >= 63 ? ~(uint64_t)0 : (((uint64_t)1 << (last + 1)) - 1);
  key("full_bounding");
  v_bool(have_bnd && (bnd & all) == all);
  END_OBJ();
}

/* ---------- no_new_privs, seccomp ---------- */

static void emit_nnp_seccomp(const char *status) {
  char raw[64];
  int have = status && status_field(status, "NoNewPrivs", raw, sizeof raw) == 0;
  if (status && !have) add_error("no_new_privs", ENOENT, "no NoNewPrivs line in status (kernel < 4.10)");
  key("no_new_privs");
  OBJ();
  key("raw");
  v_str(have ? raw : NULL);
  key("value");
  if (have && (strcmp(raw, "0") == 0 || strcmp(raw, "1") == 0)) v_bool(raw[0] == '1');
  else v_null();
  END_OBJ();

  char sraw[64], fraw[64];
  have = status && status_field(status, "Seccomp", sraw, sizeof sraw) == 0;
  if (status && !have) add_error("seccomp.mode", ENOENT, "no Seccomp line in status");
  int have_f = status && status_field(status, "Seccomp_filters", fraw, sizeof fraw) == 0;
  unsigned long long filters = 0;
  if (have_f && parse_ulong(fraw, 1u << 30, &filters) != 0) have_f = 0;
  if (status && !have_f) add_error("seccomp.filters", ENOENT, "no Seccomp_filters line in status (kernel < 5.9)");
  key("seccomp");
  OBJ();
  key("raw");
  v_str(have ? sraw : NULL);
  key("mode");
  if (have && strcmp(sraw, "0") == 0) v_str("disabled");
  else if (have && strcmp(sraw, "1") == 0) v_str("strict");
  else if (have && strcmp(sraw, "2") == 0) v_str("filter");
  else v_null();
  key("filters");
  if (have_f) v_int((long long)filters);
  else v_null();
  END_OBJ();
}

/* ---------- LSM ---------- */

static const char *lsm_id_name(uint64_t id) {
  /* include/uapi/linux/lsm.h */
  static const char *const names[] = {"capability", "selinux", "smack", "tomoyo", "apparmor", "yama", "loadpin",
                                      "safesetid", "lockdown", "bpf", "landlock", "ima", "evm", "ipe"};
  if (id >= 100 && id < 100 + sizeof names / sizeof names[0]) return names[id - 100];
  static char buf[8][24];
  static int next;
  char *b = buf[next++ & 7], num[24];
  copy_str(b, 24, "lsm_");
  return append_str(b, 24, ull_str(num, id));
}

#define MAX_LSMS 32
static const char *active_lsms[MAX_LSMS];
static int active_count = -1; /* -1: unknown */
static char securityfs_buf[1024];

static int lsm_active(const char *name) {
  for (int i = 0; i < active_count; i++)
    if (strcmp(active_lsms[i], name) == 0) return 1;
  return 0;
}

static char lsm_error_detail[96];

static const char *read_active_lsms(int *err_out) {
  copy_str(lsm_error_detail, sizeof lsm_error_detail, "/sys/kernel/security/lsm");
#ifdef NR_LSM_LIST_MODULES
  uint64_t ids[MAX_LSMS];
  uint32_t size = sizeof ids;
  long n = syscall(NR_LSM_LIST_MODULES, ids, &size, 0);
  if (n >= 0) {
    active_count = 0;
    for (long i = 0; i < n && i < MAX_LSMS; i++) active_lsms[active_count++] = lsm_id_name(ids[i]);
    return "lsm_list_modules";
  }
  /* ENOSYS under Docker's default seccomp profile or on kernels < 6.8: fall back to securityfs. */
  copy_str(lsm_error_detail, sizeof lsm_error_detail, "lsm_list_modules: ");
  append_str(lsm_error_detail, sizeof lsm_error_detail, errno_name(errno));
  append_str(lsm_error_detail, sizeof lsm_error_detail, "; /sys/kernel/security/lsm");
#endif
  char *s = read_file("/sys/kernel/security/lsm", NULL);
  if (!s) {
    *err_out = errno;
    return NULL;
  }
  copy_str(securityfs_buf, sizeof securityfs_buf, trim(s));
  free(s);
  active_count = 0;
  for (char *tok = strtok(securityfs_buf, ","); tok && active_count < MAX_LSMS; tok = strtok(NULL, ","))
    active_lsms[active_count++] = tok;
  return "securityfs";
}

/* 1 when the path exists, 0 when it does not, -1 when it cannot be told. */
static int path_exists(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) return 1;
  return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
}

static int apparmor_enabled(void) {
  if (active_count >= 0) return lsm_active("apparmor");
  char *s = read_file("/sys/module/apparmor/parameters/enabled", NULL);
  if (s) {
    int y = trim(s)[0] == 'Y';
    free(s);
    return y;
  }
  int e = errno;
  /* The parameter file exists whenever AppArmor is built in; without it, AppArmor is absent if /sys/module is visible. */
  if (e == ENOENT && path_exists("/sys/module") == 1) return 0;
  add_error("lsm.apparmor_enabled", e, "/sys/module/apparmor/parameters/enabled");
  return -1;
}

static int selinux_enabled(void) {
  if (active_count >= 0) return lsm_active("selinux");
  /* The kernel creates the /sys/fs/selinux mount point only when SELinux is enabled at boot. */
  int r = path_exists("/sys/fs/selinux");
  if (r == 0 && path_exists("/sys/fs") != 1) r = -1;
  if (r < 0) add_error("lsm.selinux_enabled", errno ? errno : ENOENT, "/sys/fs/selinux");
  return r;
}

static void emit_lsm(void) {
  int list_err = 0;
  const char *source = read_active_lsms(&list_err);
  if (!source) add_error("lsm.active", list_err, lsm_error_detail);
  int aa = apparmor_enabled();
  int se = selinux_enabled();

  /* The AppArmor-specific attr file first (Linux >= 5.8), then the legacy one of the major LSM. */
  char path[128], *label = NULL;
  const char *label_lsm = NULL;
  path_join(path, sizeof path, proc_dir, "/attr/apparmor/current");
  char *buf = read_file(path, NULL);
  if (buf) {
    label_lsm = "apparmor";
  } else {
    int e = errno;
    if (e != ENOENT && e != EINVAL) add_error("lsm.label", e, path);
    path_join(path, sizeof path, proc_dir, "/attr/current");
    buf = read_file(path, NULL);
    if (!buf && errno != ENOENT && errno != EINVAL) add_error("lsm.label", errno, path);
  }
  if (buf) {
    label = trim(buf);
    if (!*label) label = NULL; /* empty answer: nothing confines the process by label */
  }

  const char *mode = NULL;
  char mode_buf[64];
  int confined = -1;
  if (label) {
    size_t n = strlen(label);
    int colons = 0;
    for (const char *c = label; *c; c++) colons += *c == ':';
    const char *open_paren = strrchr(label, '(');
    int aa_form = strcmp(label, "unconfined") == 0 ||
                  (n > 3 && label[n - 1] == ')' && open_paren && open_paren > label && open_paren[-1] == ' ');
    if (!label_lsm) {
      if (colons >= 2 && !aa_form) label_lsm = "selinux";
      else if (aa_form) label_lsm = "apparmor";
      else if (lsm_active("smack")) label_lsm = "smack";
    }
    if (label_lsm && strcmp(label_lsm, "apparmor") == 0) {
      if (aa_form && strcmp(label, "unconfined") != 0) {
        size_t mlen = (size_t)(label + n - 1 - (open_paren + 1));
        if (mlen >= sizeof mode_buf) mlen = sizeof mode_buf - 1;
        memcpy(mode_buf, open_paren + 1, mlen);
        mode_buf[mlen] = 0;
        mode = mode_buf;
      }
      /* complain only logs and AppArmor 4's "unconfined" mode enforces nothing. */
      confined = !(strcmp(label, "unconfined") == 0 ||
                   (mode && (strcmp(mode, "unconfined") == 0 || strcmp(mode, "complain") == 0)));
    } else if (label_lsm && strcmp(label_lsm, "selinux") == 0) {
      /* user:role:type[:level]; spc_t is Docker's "super privileged container", unconfined_t is unconfined. */
      char type[128] = "";
      const char *t = strchr(label, ':');
      t = t ? strchr(t + 1, ':') : NULL;
      if (t) {
        t++;
        const char *end = strchr(t, ':');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        if (len < sizeof type) {
          memcpy(type, t, len);
          type[len] = 0;
        }
      }
      confined = !(strcmp(type, "spc_t") == 0 || strcmp(type, "unconfined_t") == 0);
    }
  }

  key("lsm");
  OBJ();
  key("active");
  if (active_count >= 0) {
    ARR();
    for (int i = 0; i < active_count; i++) v_str(active_lsms[i]);
    END_ARR();
  } else {
    v_null();
  }
  key("active_source");
  v_str(source);
  key("apparmor_enabled");
  v_tristate(aa);
  key("selinux_enabled");
  v_tristate(se);
  key("label");
  v_str(label);
  key("label_lsm");
  v_str(label ? label_lsm : NULL);
  key("label_mode");
  v_str(mode);
  key("confined");
  v_tristate(confined);
  END_OBJ();
  free(buf);
}

/* ---------- user namespace ---------- */

struct map_entry {
  unsigned long long inside, outside, length;
};

/* Reads a uid_map/gid_map; normalises each line to "inside outside length". */
static char *read_id_map(const char *name, const char *item, struct map_entry *entries, int *count) {
  char path[128];
  path_join(path, sizeof path, proc_dir, name);
  char *buf = read_file(path, NULL);
  *count = 0;
  if (!buf) {
    add_error(item, errno, path);
    return NULL;
  }
  char *out = malloc(strlen(buf) + 1);
  if (!out) {
    free(buf);
    return NULL;
  }
  out[0] = 0;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    unsigned long long v[3];
    int n = 0;
    char *save, *tok;
    for (tok = strtok_r(line, " \t", &save); tok && n < 3; tok = strtok_r(NULL, " \t", &save))
      if (parse_ulong(tok, 0xffffffffull, &v[n]) == 0) n++;
    if (n != 3) continue;
    if (*count < 340) entries[(*count)++] = (struct map_entry){v[0], v[1], v[2]};
    char num[24];
    for (int k = 0; k < 3; k++) {
      if (k || out[0]) strcat(out, k ? " " : "\n");
      strcat(out, ull_str(num, v[k]));
    }
  }
  free(buf);
  return out;
}

static void emit_userns(void) {
  static struct map_entry uids[340], gids[340];
  int nu, ng;
  char *uid_map = read_id_map("/uid_map", "userns.uid_map", uids, &nu);
  char *gid_map = read_id_map("/gid_map", "userns.gid_map", gids, &ng);
  char path[128];
  path_join(path, sizeof path, proc_dir, "/setgroups");
  char *setgroups = read_file(path, NULL);
  if (!setgroups) add_error("userns.setgroups", errno, path);

  long long host_uid = -1;
  if (uid_map && effective_uid >= 0)
    for (int i = 0; i < nu; i++)
      if ((unsigned long long)effective_uid >= uids[i].inside &&
          (unsigned long long)effective_uid - uids[i].inside < uids[i].length)
        host_uid = (long long)(uids[i].outside + ((unsigned long long)effective_uid - uids[i].inside));

  key("userns");
  OBJ();
  key("uid_map");
  v_str(uid_map);
  key("gid_map");
  v_str(gid_map);
  key("uid_map_entries");
  ARR();
  for (int i = 0; uid_map && i < nu; i++) {
    OBJ();
    key("inside");
    v_int((long long)uids[i].inside);
    key("outside");
    v_int((long long)uids[i].outside);
    key("length");
    v_int((long long)uids[i].length);
    END_OBJ();
  }
  END_ARR();
  key("identity");
  if (uid_map)
    v_bool(nu == 1 && uids[0].inside == 0 && uids[0].outside == 0 && uids[0].length == 4294967295ull);
  else
    v_null();
  key("host_uid");
  if (host_uid >= 0) v_int(host_uid);
  else v_null();
  key("setgroups");
  v_str(setgroups ? trim(setgroups) : NULL);
  END_OBJ();
  free(uid_map);
  free(gid_map);
  free(setgroups);
}

/* ---------- rootfs ---------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s) {
  char *w = s;
  for (char *r = s; *r;) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 4;
    } else {
      *w++ = *r++;
    }
  }
  *w = 0;
}

static void emit_rootfs(void) {
  char path[128], fstype[128] = "", options[1024] = "";
  int have_line = 0, read_only = -1;

  path_join(path, sizeof path, proc_dir, "/mountinfo");
  char *buf = read_file(path, NULL);
  if (!buf) add_error("rootfs.mountinfo", errno, path);
  for (char *line = buf ? strtok(buf, "\n") : NULL; line; line = strtok(NULL, "\n")) {
    /* id parent major:minor root mount_point options [optional...] - fstype source super_options */
    char *f[6], *save;
    int n = 0;
    char *tok = strtok_r(line, " ", &save);
    for (; tok; tok = n < 6 ? strtok_r(NULL, " ", &save) : NULL) f[n++] = tok;
    if (n < 6) continue;
    unescape_octal(f[4]);
    if (strcmp(f[4], "/") != 0) continue;
    while ((tok = strtok_r(NULL, " ", &save)) && strcmp(tok, "-") != 0) {
    }
    tok = tok ? strtok_r(NULL, " ", &save) : NULL;
    /* The last "/" line is the mount on top, which is what the process sees. */
    copy_str(options, sizeof options, f[5]);
    copy_str(fstype, sizeof fstype, tok ? tok : "");
    have_line = 1;
  }
  free(buf);

  struct statvfs sv;
  path_join(path, sizeof path, root_dir, "/");
  if (statvfs(path, &sv) == 0) {
    read_only = (sv.f_flag & ST_RDONLY) != 0;
  } else {
    int e = errno;
    if (have_line) {
      /* e.g. /proc/N/root needs ptrace access; the mount options still tell. */
      char tmp[sizeof options];
      copy_str(tmp, sizeof tmp, options);
      read_only = 0;
      for (char *o = strtok(tmp, ","); o; o = strtok(NULL, ","))
        if (strcmp(o, "ro") == 0) read_only = 1;
    } else {
      add_error("rootfs.read_only", e, path);
    }
  }
  if (buf && !have_line) add_error("rootfs.mountinfo", ENOENT, "no mount at / in mountinfo");

  key("rootfs");
  OBJ();
  key("read_only");
  v_tristate(read_only);
  key("fstype");
  v_str(have_line ? fstype : NULL);
  key("options");
  v_str(have_line ? options : NULL);
  END_OBJ();
}

/* ---------- bind ---------- */

static void emit_bind(void) {
  long long start = -1;
  char *s = read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", NULL);
  if (s) {
    unsigned long long v;
    if (parse_ulong(trim(s), 65536, &v) == 0) start = (long long)v;
    free(s);
  } else {
    add_error("bind.unprivileged_port_start", errno, "/proc/sys/net/ipv4/ip_unprivileged_port_start");
  }

  const char *result;
  int allowed = -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result = errno_name(errno);
    add_error("bind.socket", errno, "socket(AF_INET, SOCK_STREAM)");
  } else {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)opt_port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    /* Bind only, never listen: the port is released as soon as the socket closes. */
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
      result = "ok";
      allowed = 1;
    } else {
      int e = errno;
      result = errno_name(e);
      if (e == EADDRINUSE) allowed = 1; /* the permission check comes before the in-use check */
      else if (e == EACCES || e == EPERM) allowed = 0;
      else add_error("bind", e, "bind(0.0.0.0)");
    }
    close(fd);
  }

  key("bind");
  OBJ();
  key("port");
  v_int(opt_port);
  key("unprivileged_port_start");
  if (start >= 0) v_int(start);
  else v_null();
  key("result");
  v_str(result);
  key("allowed");
  v_tristate(allowed);
  END_OBJ();
}

/* ---------- setuid / setgid / file-capability walk ---------- */

struct priv_file {
  char *path;
  unsigned mode;
  long long uid, gid;
  int setuid, setgid, file_caps;
};
static struct priv_file *priv_files;
static long priv_listed, priv_count;
static int walk_errors;
static dev_t root_dev;
static size_t root_prefix_len;

static void walk_error(int e, const char *path) {
  if (walk_errors++ < MAX_WALK_ERRORS) add_error("privileged_files.walk", e, path + root_prefix_len);
}

static void walk(char *path, size_t len, int level) {
  if (level > MAX_WALK_DEPTH) {
    walk_error(ELOOP, path);
    return;
  }
  DIR *d = opendir(len ? path : "/");
  if (!d) {
    walk_error(errno, len ? path : "/");
    return;
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    const char *name = de->d_name;
    if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) continue;
    size_t nlen = strlen(name);
    if (len + 1 + nlen >= 4096) {
      walk_error(ENAMETOOLONG, path);
      continue;
    }
    path[len] = '/';
    memcpy(path + len + 1, name, nlen + 1);
    struct stat st;
    if (lstat(path, &st) != 0) {
      walk_error(errno, path);
    } else if (st.st_dev != root_dev) {
      /* Another mount (/proc, /sys, volumes, the probe itself): not part of the image. */
    } else if (S_ISDIR(st.st_mode)) {
      walk(path, len + 1 + nlen, level + 1);
    } else if (S_ISREG(st.st_mode)) {
      int su = (st.st_mode & S_ISUID) != 0, sg = (st.st_mode & S_ISGID) != 0;
      int fc = lgetxattr(path, "security.capability", NULL, 0) > 0;
      if (su || sg || fc) {
        if (priv_listed < opt_max_files) {
          struct priv_file *f = &priv_files[priv_listed];
          f->path = strdup(path + root_prefix_len);
          if (f->path) {
            f->mode = st.st_mode & 07777;
            f->uid = st.st_uid;
            f->gid = st.st_gid;
            f->setuid = su;
            f->setgid = sg;
            f->file_caps = fc;
            priv_listed++;
          }
        }
        priv_count++;
      }
    }
    path[len] = 0;
  }
  closedir(d);
}

static void emit_privileged_files(void) {
  int scanned = 0;
  if (opt_walk) {
    static char path[4096];
    struct stat st;
    copy_str(path, sizeof path, root_dir);
    root_prefix_len = strlen(root_dir);
    priv_files = calloc((size_t)opt_max_files + 1, sizeof *priv_files);
    if (stat(root_prefix_len ? path : "/", &st) != 0) {
      add_error("privileged_files", errno, root_prefix_len ? path : "/");
    } else if (!priv_files) {
      add_error("privileged_files", ENOMEM, NULL);
    } else {
      root_dev = st.st_dev;
      scanned = 1;
      walk(path, root_prefix_len, 0);
      if (walk_errors > MAX_WALK_ERRORS) {
        char detail[64], num[24];
        copy_str(detail, sizeof detail, ull_str(num, (unsigned)(walk_errors - MAX_WALK_ERRORS)));
        append_str(detail, sizeof detail, " more unreadable paths");
        add_error("privileged_files.walk", EACCES, detail);
      }
    }
  }
  key("privileged_files");
  OBJ();
  key("scanned");
  v_bool(scanned);
  key("count");
  v_int(priv_count);
  key("truncated");
  v_bool(priv_count > priv_listed);
  key("files");
  ARR();
  for (long i = 0; i < priv_listed; i++) {
    struct priv_file *f = &priv_files[i];
    char mode[5];
    for (int k = 0; k < 4; k++) mode[k] = (char)('0' + ((f->mode >> (3 * (3 - k))) & 7));
    mode[4] = 0;
    OBJ();
    key("path");
    v_strn(f->path, strlen(f->path));
    key("mode");
    v_str(mode);
    key("uid");
    v_int(f->uid);
    key("gid");
    v_int(f->gid);
    key("setuid");
    v_bool(f->setuid);
    key("setgid");
    v_bool(f->setgid);
    key("file_caps");
    v_bool(f->file_caps);
    END_OBJ();
  }
  END_ARR();
  END_OBJ();
}

/* ---------- listening sockets (--listening) ---------- */

#define MAX_LISTENING 256

/* Ports the target's network namespace listens on, from /proc/<pid>/net/{tcp,tcp6,udp,udp6}: tcp in the
 * LISTEN state (0A), udp bound and unconnected (07). Read through the target's pid, so a sidecar in its
 * PID namespace sees the workload's network namespace, not its own. At most MAX_LISTENING, deduplicated. */
static void emit_listening(void) {
  static const struct {
    const char *file;
    const char *proto;
    const char *state;
  } tables[] = {{"/net/tcp", "tcp", "0A"}, {"/net/tcp6", "tcp", "0A"}, {"/net/udp", "udp", "07"}, {"/net/udp6", "udp", "07"}};
  static struct {
    const char *proto;
    unsigned long port;
  } seen[MAX_LISTENING];
  int count = 0;
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    char path[128];
    path_join(path, sizeof path, proc_dir, tables[t].file);
    char *text = read_file(path, NULL);
    if (!text) {
      /* No IPv6 in the namespace is normal: only the IPv4 tables are worth an error. */
      if (errno != ENOENT || strchr(tables[t].file, '6') == NULL) add_error("listening", errno, path);
      continue;
    }
    char *line = strchr(text, '\n'); /* skip the header */
    while (line && *++line && count < MAX_LISTENING) {
      char *next = strchr(line, '\n');
      if (next) *next = 0;
      /* "  sl: local_address rem_address st ..." with local_address HEXIP:HEXPORT */
      char *colon = strchr(line, ':');
      char *local = colon ? colon + 1 : NULL;
      while (local && *local == ' ') local++;
      char *port_sep = local ? strchr(local, ':') : NULL;
      char *rem = port_sep ? strchr(port_sep, ' ') : NULL;
      while (rem && *rem == ' ') rem++;
      char *st = rem ? strchr(rem, ' ') : NULL;
      while (st && *st == ' ') st++;
      if (port_sep && st && strncmp(st, tables[t].state, 2) == 0) {
        unsigned long port = strtoul(port_sep + 1, NULL, 16);
        int dup = 0;
        for (int k = 0; k < count; k++)
          if (seen[k].port == port && strcmp(seen[k].proto, tables[t].proto) == 0) dup = 1;
        if (!dup && port > 0 && port < 65536) {
          seen[count].proto = tables[t].proto;
          seen[count].port = port;
          count++;
        }
      }
      line = next;
    }
    free(text);
  }
  key("listening");
  ARR();
  for (int k = 0; k < count; k++) {
    char buf[32], num[24];
    copy_str(buf, sizeof buf, seen[k].proto);
    append_str(buf, sizeof buf, "/");
    append_str(buf, sizeof buf, ull_str(num, seen[k].port));
    v_str(buf);
  }
  END_ARR();
}

/* ---------- main ---------- */

static void emit_errors(void) {
  key("errors");
  ARR();
  for (int i = 0; i < errors_count; i++) {
    OBJ();
    key("item");
    v_str(errors_list[i].item);
    key("errno");
    v_str(errno_name(errors_list[i].err));
    if (errors_list[i].detail[0]) {
      key("detail");
      v_str(errors_list[i].detail);
    }
    END_OBJ();
  }
  END_ARR();
}

static const char usage[] =
    "usage: probe [--pid N] [--no-walk] [--listening] [--port P] [--max-files N] [--version]\n"
    "  --pid N        read /proc/N instead of the probe itself (default: self)\n"
    "  --no-walk      skip the setuid/setgid/file-capability walk of the root filesystem\n"
    "  --listening    also list the ports the target's network namespace listens on\n"
    "  --port P       port for the bind() test, 1-65535 (default 80)\n"
    "  --max-files N  list at most N privileged files, 0-100000 (default 50); all are counted\n"
    "  --version      print the sha256 of the probe.c this binary was built from\n"
    "Prints one JSON object (see src/docker/probe-report.ts). Exit 0, or 2 on bad arguments.\n";

static int bad_args(const char *msg, const char *arg) {
  fputs("probe: ", stderr);
  fputs(msg, stderr);
  if (arg) {
    fputs(": ", stderr);
    fputs(arg, stderr);
  }
  fputs("\n", stderr);
  fputs(usage, stderr);
  return 2;
}

/* Accepts "--name value" and "--name=value". */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != 0) return NULL;
  if (*i + 1 >= argc) return "";
  return argv[++*i];
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *v;
    unsigned long long n;
    if (strcmp(argv[i], "--version") == 0) {
      puts(source_id + sizeof SOURCE_TAG - 1);
      return 0;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if (strcmp(argv[i], "--no-walk") == 0) {
      opt_walk = 0;
    } else if (strcmp(argv[i], "--listening") == 0) {
      opt_listening = 1;
    } else if ((v = option_value(argc, argv, &i, "--pid"))) {
      if (strcmp(v, "self") == 0) opt_pid = -1;
      else if (parse_ulong(v, 0x7fffffff, &n) == 0 && n > 0) opt_pid = (long)n;
      else return bad_args("--pid needs a process id (1-2147483647) or 'self'", v);
    } else if ((v = option_value(argc, argv, &i, "--port"))) {
      if (parse_ulong(v, 65535, &n) != 0 || n == 0) return bad_args("--port needs a number 1-65535", v);
      opt_port = (long)n;
    } else if ((v = option_value(argc, argv, &i, "--max-files"))) {
      if (parse_ulong(v, 100000, &n) != 0) return bad_args("--max-files needs a number 0-100000", v);
      opt_max_files = (long)n;
    } else {
      return bad_args("unknown argument", argv[i]);
    }
  }

  if (opt_pid < 0) {
    strcpy(proc_dir, "/proc/self");
    root_dir[0] = 0;
  } else {
    char num[24];
    copy_str(proc_dir, sizeof proc_dir, "/proc/");
    append_str(proc_dir, sizeof proc_dir, ull_str(num, (unsigned long)opt_pid));
    copy_str(root_dir, sizeof root_dir, proc_dir);
    append_str(root_dir, sizeof root_dir, "/root");
  }

  static char stdout_buf[1 << 16];
  setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

  char path[128];
  path_join(path, sizeof path, proc_dir, "/status");
  char *status = read_file(path, NULL);
  if (!status) add_error("status", errno, path);

  OBJ();
  key("schema_version");
  v_int(1);
  key("source_sha256");
  v_str(source_id + sizeof SOURCE_TAG - 1);
  key("target");
  OBJ();
  key("pid");
  if (opt_pid < 0) v_str("self");
  else v_int(opt_pid);
  key("mode");
  v_str(opt_pid < 0 ? "self" : "pid");
  END_OBJ();
  emit_kernel();
  emit_identity(status);
  emit_capabilities(status);
  emit_nnp_seccomp(status);
  emit_lsm();
  emit_userns();
  emit_rootfs();
  emit_bind();
  emit_privileged_files();
  if (opt_listening) emit_listening();
  emit_errors();
  END_OBJ();
  putchar('\n');
  free(status);
  if (fflush(stdout) != 0 || ferror(stdout)) return 1;
  return 0;
}
