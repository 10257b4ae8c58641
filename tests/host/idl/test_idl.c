/*
 * Host test of the code scripts/idlgen.py generates, for kt.idl.
 *
 * The generated client stubs and server dispatcher are linked together with
 * a loopback portal_invoke() that does what the kernel does between them:
 * checks the portal id and the buffer limits, copies the in-buffer into a
 * callee-side area, gives the callee an out area of out_cap bytes (guarded:
 * bytes past out_cap must survive), calls kt_dispatch with a struct
 * idc_call, and copies back the result words and out_len bytes.  The
 * service behind it records what it received, so every value is checked at
 * both ends.
 *
 * Output: one "PASS: idl/<group>" or "FAIL: idl/<group>: <why>" line per
 * group (names get IDL_TEST_SUFFIX, e.g. "-m32", so the native and i386
 * builds report separately); exit status 1 if any group failed.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_client.h"
#include "kt_server.h"

#ifndef IDL_TEST_SUFFIX
#define IDL_TEST_SUFFIX ""
#endif

#define TEST_PORTAL 5
#define GUARD       64          /* guard bytes after every out area */
#define GUARD_BYTE  0xa5

/* ---- reporting ------------------------------------------------------- */

static const char *group;
static char why[512];           /* first failure of the current group */
static int any_failed;

static void fail_at(int line, const char *fmt, ...)
{
    if (why[0])
        return;
    int n = snprintf(why, sizeof why, "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + n, sizeof why - (size_t)n, fmt, ap);
    va_end(ap);
}

#define CHECK(cond, ...) do { if (!(cond)) fail_at(__LINE__, __VA_ARGS__); } while (0)
#define CHECK_EQ(got, want) \
    CHECK((long long)(got) == (long long)(want), "%s = %lld, expected %lld", \
          #got, (long long)(got), (long long)(want))

static void begin(const char *name)
{
    group = name;
    why[0] = '\0';
}

static void end(void)
{
    if (why[0]) {
        printf("FAIL: idl/%s%s: %s\n", group, IDL_TEST_SUFFIX, why);
        any_failed = 1;
    } else {
        printf("PASS: idl/%s%s\n", group, IDL_TEST_SUFFIX);
    }
}

/* Deterministic randomness (xorshift32): a failure reproduces. */
static uint32_t rng_state = 0x2545f491u;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void fill_random(void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)p)[i] = (uint8_t)rnd();
}

/* ---- the loopback portal --------------------------------------------- */

static const struct kt_server *loop_srv;        /* what TEST_PORTAL leads to */
static uint8_t callee_in[IDC_BUF_MAX];
static uint8_t callee_out[IDC_BUF_MAX + GUARD];

/* What the last invocation carried, as the "kernel" saw it. */
static struct {
    unsigned invokes;
    uint32_t proc, in_len, out_cap;
} seen;

int portal_invoke(uint32_t pp, struct idc_args *a)
{
    seen.invokes++;
    if (IDC_PP_PORTAL(pp) != TEST_PORTAL)
        return -KEA_EBADPORTAL;
    if (a->in_len > IDC_BUF_MAX || a->out_cap > IDC_BUF_MAX)
        return -KEA_E2BIG;
    if ((a->in_len != 0 && a->in == NULL) || (a->out_cap != 0 && a->out == NULL))
        return -KEA_EFAULT;

    /* Bytes past in_len are not NUL, so a dispatcher looking beyond in_len
     * for a string's terminator would accept what it must refuse. */
    memset(callee_in, 'x', sizeof callee_in);
    if (a->in_len != 0)
        memcpy(callee_in, a->in, a->in_len);
    memset(callee_out, GUARD_BYTE, sizeof callee_out);

    struct idc_call c = {
        .proc = IDC_PP_PROC(pp),
        .w = { a->w[0], a->w[1], a->w[2] },
        .in = a->in_len != 0 ? callee_in : NULL,
        .in_len = a->in_len,
        .out = a->out_cap != 0 ? callee_out : NULL,
        .out_cap = a->out_cap,
        .out_len = 0xdeadbeefu,         /* the dispatcher must always set it */
        .caller = 1,
    };
    seen.proc = c.proc;
    seen.in_len = c.in_len;
    seen.out_cap = c.out_cap;

    int status = kt_dispatch((void *)loop_srv, &c);

    for (size_t i = c.out_cap; i < sizeof callee_out; i++)
        if (callee_out[i] != GUARD_BYTE) {
            fail_at(__LINE__, "proc %u wrote past out_cap %u (at %zu)",
                    (unsigned)c.proc, (unsigned)c.out_cap, i);
            break;
        }
    if (c.out_len > c.out_cap) {
        fail_at(__LINE__, "proc %u: out_len %u > out_cap %u",
                (unsigned)c.proc, (unsigned)c.out_len, (unsigned)c.out_cap);
        return -KEA_E2BIG;
    }
    memcpy(a->w, c.w, sizeof a->w);
    if (c.out_len != 0)
        memcpy(a->out, callee_out, c.out_len);
    a->out_len = c.out_len;
    return status;
}

/* The runtime's lookup, as KT_BIND calls it: "svc" offers kt at TEST_PORTAL. */
int kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    if (strcmp(service, "svc") != 0 || strcmp(iface, "kt") != 0)
        return -KEA_ENOENT;
    b->portal = TEST_PORTAL;
    b->iface_id = iface_id;
    return 0;
}

/* ---- the service behind it ------------------------------------------- */

struct kt_state {
    unsigned calls[KT_NPROCS];          /* per procedure, ops actually run */
    /* mix, greet: the arguments as received */
    uint32_t x, a;
    int32_t y, c;
    bool z;
    char name[IDC_BUF_MAX];
    /* put/get: one stored record */
    uint32_t key, stamp;
    uint8_t data[IDC_BUF_MAX];
    size_t data_len;
    const void *data_ptr;               /* what put received as its pointer */
    kea_handle_t last;                  /* last handle lookup gave out */
};

static uint32_t name_hash(const char *s)
{
    uint32_t h = 0x811c9dc5u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 0x01000193u;
    return h;
}

static int op_ping(void *self)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_PING]++;
    return 0;
}

static int op_mix(void *self, uint32_t x, int32_t y, bool z, uint32_t *sum,
                  int32_t *neg, bool *odd)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_MIX]++;
    s->x = x, s->y = y, s->z = z;
    *sum = x + (uint32_t)y + z;
    *neg = (int32_t)(0u - (uint32_t)y);
    *odd = x & 1;
    return 7;                           /* a positive status passes through */
}

static int op_stat(void *self, kea_handle_t *last, uint32_t *calls)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_STAT]++;
    *last = s->last;
    *calls = s->calls[KT_PROC_STAT];
    return 0;
}

static int op_put(void *self, uint32_t key, const void *data, size_t data_len)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_PUT]++;
    s->key = key;
    s->data_ptr = data;
    if (data_len != 0)
        memcpy(s->data, data, data_len);
    s->data_len = data_len;
    s->stamp++;
    return 0;
}

static int op_get(void *self, uint32_t key, void *data, size_t data_cap,
                  size_t *data_len, uint32_t *stamp)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_GET]++;
    if (key != s->key)
        return -KEA_ENOENT;
    size_t n = s->data_len < data_cap ? s->data_len : data_cap;
    if (n != 0)
        memcpy(data, s->data, n);
    *data_len = n;
    *stamp = s->stamp;
    return (int)s->data_len;            /* the full size, as read(2) might */
}

static int op_echo(void *self, const void *data, size_t data_len, void *copy,
                   size_t copy_cap, size_t *copy_len)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_ECHO]++;
    size_t n = data_len < copy_cap ? data_len : copy_cap;
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)copy)[i] = ((const uint8_t *)data)[i] ^ 0x5a;
    *copy_len = n;
    return (int)data_len;
}

static int op_greet(void *self, uint32_t a, const char *name, int32_t c,
                    void *reply, size_t reply_cap, size_t *reply_len, int32_t *len)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_GREET]++;
    s->a = a, s->c = c;
    strcpy(s->name, name);              /* the dispatcher guaranteed a NUL */
    /* reply: "hi " + name, truncated to the capacity, no NUL */
    size_t n = 0;
    for (const char *p = "hi "; *p && n < reply_cap; p++)
        ((char *)reply)[n++] = *p;
    for (const char *p = name; *p && n < reply_cap; p++)
        ((char *)reply)[n++] = *p;
    *reply_len = n;
    *len = -(int32_t)strlen(name);
    return 0;
}

static int op_lookup(void *self, const char *name, kea_handle_t *h)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_LOOKUP]++;
    strcpy(s->name, name);
    if (name[0] == '\0')
        return -KEA_ENOENT;
    *h = s->last = name_hash(name);
    return 1;
}

static int op_fail(void *self, int32_t code, uint32_t *junk)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_FAIL]++;
    *junk = 0x12345678u;                /* must not reach a failed caller */
    return code;
}

static int op_liar(void *self, void *data, size_t data_cap, size_t *data_len)
{
    struct kt_state *s = self;
    s->calls[KT_PROC_LIAR]++;
    if (data_cap != 0)
        memset(data, 'L', data_cap);    /* fills the buffer, claims one more */
    *data_len = data_cap + 1;
    return 0;
}

/* `missing` is left NULL on purpose. */
static const struct kt_ops test_ops = {
    .ping = op_ping,
    .mix = op_mix,
    .stat = op_stat,
    .put = op_put,
    .get = op_get,
    .echo = op_echo,
    .greet = op_greet,
    .lookup = op_lookup,
    .fail = op_fail,
    .liar = op_liar,
};

static struct kt_state st;
static const struct kt_server server = { .ops = &test_ops, .self = &st };
static const kea_binding_t bind_ok = { .portal = TEST_PORTAL, .iface_id = KT_IFACE_ID };

/* The dispatcher is an idc_handler_t: this fails to compile otherwise. */
static const idc_handler_t handler = kt_dispatch;

/* A call straight to the dispatcher, bypassing the stubs' own checks. */
static int dispatch_raw(uint32_t proc, const void *in, uint32_t in_len,
                        void *out, uint32_t out_cap, uint32_t *out_len)
{
    struct idc_call c = {
        .proc = proc, .in = in, .in_len = in_len,
        .out = out, .out_cap = out_cap, .out_len = 0xdeadbeefu, .caller = 1,
    };
    int r = handler((void *)&server, &c);
    if (out_len)
        *out_len = c.out_len;
    return r;
}

/* ---- groups ------------------------------------------------------------ */

static void test_constants(void)
{
    begin("constants");
    static const char *const want[] = {
        "ping", "mix", "stat", "put", "get", "echo",
        "greet", "lookup", "fail", "liar", "missing",
    };
    CHECK_EQ(KT_NPROCS, sizeof want / sizeof want[0]);
    for (unsigned i = 0; i < KT_NPROCS; i++)
        CHECK(strcmp(kt_proc_names[i], want[i]) == 0, "proc %u is %s", i, kt_proc_names[i]);
    CHECK_EQ(KT_PROC_PING, 0);
    CHECK_EQ(KT_PROC_MISSING, 10);
    CHECK(strcmp(KT_IFACE_NAME, "kt") == 0, "iface name %s", KT_IFACE_NAME);
    CHECK(KT_IFACE_ID != 0, "iface id 0");

    /* A binding made by name works with the stubs. */
    kea_binding_t b = { 0, 0 };
    CHECK_EQ(KT_BIND("svc", &b), 0);
    CHECK_EQ(b.iface_id, KT_IFACE_ID);
    CHECK_EQ(kt_ping(&b), 0);
    CHECK_EQ(KT_BIND("nosuch", &b), -KEA_ENOENT);
    end();
}

static void test_noparams(void)
{
    begin("noparams");
    unsigned before = st.calls[KT_PROC_PING];
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(kt_ping(&bind_ok), 0);
        CHECK_EQ(seen.proc, KT_PROC_PING);
        CHECK_EQ(seen.in_len, 0);
        CHECK_EQ(seen.out_cap, 0);
    }
    CHECK_EQ(st.calls[KT_PROC_PING], before + 3);
    end();
}

static void check_mix(uint32_t x, int32_t y, bool z)
{
    uint32_t sum = 0;
    int32_t neg = 0;
    bool odd = !(x & 1);
    CHECK_EQ(kt_mix(&bind_ok, x, y, z, &sum, &neg, &odd), 7);
    CHECK(st.x == x && st.y == y && st.z == z, "mix received %#x %d %d for %#x %d %d",
          st.x, st.y, st.z, x, y, z);
    CHECK_EQ(sum, x + (uint32_t)y + z);
    CHECK_EQ(neg, (int32_t)(0u - (uint32_t)y));
    CHECK_EQ(odd, x & 1);
}

static void test_words(void)
{
    begin("words");
    static const uint32_t xs[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu };
    static const int32_t ys[] = { 0, 1, -1, INT32_MAX, INT32_MIN };
    for (unsigned i = 0; i < 5; i++)
        for (unsigned j = 0; j < 5; j++) {
            check_mix(xs[i], ys[j], false);
            check_mix(xs[i], ys[j], true);
        }
    for (int i = 0; i < 2000; i++)
        check_mix(rnd(), (int32_t)rnd(), rnd() & 1);
    /* Unwanted out words may be NULL. */
    CHECK_EQ(kt_mix(&bind_ok, 1, 2, true, NULL, NULL, NULL), 7);

    /* Out words only; a handle comes back as issued. */
    kea_handle_t h = 0;
    CHECK_EQ(kt_lookup(&bind_ok, "disk0", &h), 1);
    CHECK_EQ(h, name_hash("disk0"));
    kea_handle_t last = 0;
    uint32_t calls = 0;
    CHECK_EQ(kt_stat(&bind_ok, &last, &calls), 0);
    CHECK_EQ(last, h);
    CHECK_EQ(calls, st.calls[KT_PROC_STAT]);
    end();
}

static uint8_t big[2 * IDC_BUF_MAX + GUARD];

static void test_inbuf(void)
{
    begin("inbuf");
    static const size_t sizes[] = { 0, 1, 2, 63, 4095, 4096 };
    for (unsigned i = 0; i < 6 + 200; i++) {
        size_t n = i < 6 ? sizes[i] : rnd() % (IDC_BUF_MAX + 1);
        uint32_t key = rnd();
        fill_random(big, n);
        CHECK_EQ(kt_put(&bind_ok, key, big, n), 0);
        CHECK_EQ(seen.in_len, n);
        CHECK_EQ(st.key, key);
        CHECK_EQ(st.data_len, n);
        CHECK(memcmp(st.data, big, n) == 0, "put of %zu bytes arrived changed", n);
        CHECK(n != 0 || st.data_ptr == NULL, "empty in-buffer not NULL");
    }
    CHECK_EQ(kt_put(&bind_ok, 1, NULL, 0), 0);

    /* Refused by the stub, without invoking. */
    unsigned invokes = seen.invokes;
    CHECK_EQ(kt_put(&bind_ok, 1, big, IDC_BUF_MAX + 1), -KEA_E2BIG);
    CHECK_EQ(kt_put(&bind_ok, 1, big, (size_t)-1), -KEA_E2BIG);
    CHECK_EQ(kt_put(&bind_ok, 1, NULL, 5), -KEA_EINVAL);
    CHECK_EQ(seen.invokes, invokes);
    end();
}

/* One get with capacity `cap` of a record of `n` bytes, guards checked. */
static void check_get(size_t n, size_t cap)
{
    uint32_t key = rnd();
    fill_random(st.data, n);
    st.key = key, st.data_len = n, st.stamp = rnd();

    memset(big, GUARD_BYTE, sizeof big);
    size_t got = 12345;
    uint32_t stamp = 0;
    CHECK_EQ(kt_get(&bind_ok, key, big, cap, &got, &stamp), n);
    size_t want = n < cap ? n : cap;
    if (want > IDC_BUF_MAX)
        want = IDC_BUF_MAX;
    CHECK_EQ(seen.out_cap, cap < IDC_BUF_MAX ? cap : IDC_BUF_MAX);
    CHECK_EQ(got, want);
    CHECK_EQ(stamp, st.stamp);
    CHECK(memcmp(big, st.data, want) == 0, "get of %zu/%zu bytes arrived changed", n, cap);
    for (size_t i = want; i < sizeof big; i++)
        if (big[i] != GUARD_BYTE) {
            fail_at(__LINE__, "get %zu/%zu wrote byte %zu", n, cap, i);
            break;
        }
}

static void test_outbuf(void)
{
    begin("outbuf");
    static const size_t sizes[] = { 0, 1, 4095, 4096 };
    static const size_t caps[] = { 0, 1, 17, 4095, 4096, 4097, 2 * IDC_BUF_MAX };
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < 7; j++)
            check_get(sizes[i], caps[j]);
    for (int i = 0; i < 200; i++)
        check_get(rnd() % (IDC_BUF_MAX + 1), rnd() % (IDC_BUF_MAX + 2));

    /* No buffer at all, and no interest in the length. */
    st.data_len = 3;
    size_t got = 99;
    CHECK_EQ(kt_get(&bind_ok, st.key, NULL, 0, &got, NULL), 3);
    CHECK_EQ(got, 0);
    CHECK_EQ(kt_get(&bind_ok, st.key, big, 10, NULL, NULL), 3);

    unsigned invokes = seen.invokes;
    CHECK_EQ(kt_get(&bind_ok, st.key, NULL, 1, &got, NULL), -KEA_EINVAL);
    CHECK_EQ(seen.invokes, invokes);

    /* In and out buffers in one call. */
    static uint8_t in[IDC_BUF_MAX];
    static const size_t edge[] = { 0, 1, 4096 };
    for (unsigned i = 0; i < 9 + 200; i++) {
        size_t n = i < 9 ? edge[i % 3] : rnd() % (IDC_BUF_MAX + 1);
        size_t cap = i < 9 ? edge[i / 3] : rnd() % (IDC_BUF_MAX + 1);
        fill_random(in, n);
        memset(big, GUARD_BYTE, sizeof big);
        size_t len = 12345;
        CHECK_EQ(kt_echo(&bind_ok, in, n, big, cap, &len), n);
        size_t want = n < cap ? n : cap;
        CHECK_EQ(len, want);
        for (size_t k = 0; k < want; k++)
            if (big[k] != (in[k] ^ 0x5a)) {
                fail_at(__LINE__, "echo %zu/%zu: byte %zu differs", n, cap, k);
                break;
            }
        for (size_t k = want; k < cap + GUARD; k++)
            if (big[k] != GUARD_BYTE) {
                fail_at(__LINE__, "echo %zu/%zu wrote byte %zu", n, cap, k);
                break;
            }
    }
    end();
}

static void check_greet(const char *name)
{
    uint32_t a = rnd();
    int32_t c = (int32_t)rnd();
    char reply[IDC_BUF_MAX + GUARD];
    memset(reply, GUARD_BYTE, sizeof reply);
    size_t reply_len = 0;
    int32_t len = 0;
    size_t n = strlen(name);
    CHECK_EQ(kt_greet(&bind_ok, a, name, c, reply, IDC_BUF_MAX, &reply_len, &len), 0);
    CHECK_EQ(seen.in_len, n + 1);       /* sent with its NUL, nothing more */
    CHECK(st.a == a && st.c == c, "greet words %#x %d for %#x %d", st.a, st.c, a, c);
    CHECK(strcmp(st.name, name) == 0, "greet received a different %zu-byte name", n);
    CHECK_EQ(len, -(int32_t)n);
    size_t want = n + 3 < IDC_BUF_MAX ? n + 3 : IDC_BUF_MAX;
    CHECK_EQ(reply_len, want);
    CHECK(memcmp(reply, "hi ", want < 3 ? want : 3) == 0 &&
          memcmp(reply + 3, name, want - 3) == 0, "greet reply differs");
    CHECK((uint8_t)reply[IDC_BUF_MAX] == GUARD_BYTE, "greet reply overran");
}

static void test_str(void)
{
    begin("str");
    static char s[IDC_BUF_MAX + 2];
    check_greet("");
    check_greet("a");
    for (int i = 0; i < 200; i++) {
        size_t n = i == 0 ? IDC_BUF_MAX - 1 : rnd() % IDC_BUF_MAX;
        for (size_t k = 0; k < n; k++)
            s[k] = (char)(1 + rnd() % 255);     /* any byte but NUL */
        s[n] = '\0';
        check_greet(s);
    }

    /* A service's own error comes back; the handle is not written. */
    kea_handle_t h = 77;
    CHECK_EQ(kt_lookup(&bind_ok, "", &h), -KEA_ENOENT);
    CHECK_EQ(h, 77);

    /* 4096 characters need 4097 bytes: refused by the stub. */
    memset(s, 'q', IDC_BUF_MAX);
    s[IDC_BUF_MAX] = '\0';
    unsigned invokes = seen.invokes;
    CHECK_EQ(kt_greet(&bind_ok, 0, s, 0, NULL, 0, NULL, NULL), -KEA_E2BIG);
    CHECK_EQ(kt_lookup(&bind_ok, s, &h), -KEA_E2BIG);
    CHECK_EQ(kt_greet(&bind_ok, 0, NULL, 0, NULL, 0, NULL, NULL), -KEA_EINVAL);
    CHECK_EQ(kt_lookup(&bind_ok, NULL, &h), -KEA_EINVAL);
    CHECK_EQ(seen.invokes, invokes);
    end();
}

static void test_badstr(void)
{
    begin("badstr");
    unsigned greets = st.calls[KT_PROC_GREET], lookups = st.calls[KT_PROC_LOOKUP];
    uint32_t out_len = 0;
    char out[8];
    /* Not terminated within in_len, although a NUL follows in memory. */
    CHECK_EQ(dispatch_raw(KT_PROC_GREET, "abc", 3, out, sizeof out, &out_len), -KEA_EINVAL);
    CHECK_EQ(out_len, 0);
    CHECK_EQ(dispatch_raw(KT_PROC_LOOKUP, "abc", 3, NULL, 0, NULL), -KEA_EINVAL);
    CHECK_EQ(dispatch_raw(KT_PROC_LOOKUP, NULL, 0, NULL, 0, NULL), -KEA_EINVAL);
    CHECK_EQ(dispatch_raw(KT_PROC_GREET, NULL, 0, NULL, 0, NULL), -KEA_EINVAL);
    CHECK_EQ(st.calls[KT_PROC_GREET], greets);
    CHECK_EQ(st.calls[KT_PROC_LOOKUP], lookups);
    /* A NUL anywhere within in_len ends the string. */
    CHECK_EQ(dispatch_raw(KT_PROC_LOOKUP, "ab\0cd", 5, NULL, 0, NULL), 1);
    CHECK(strcmp(st.name, "ab") == 0, "lookup got '%s'", st.name);
    end();
}

static void test_errors(void)
{
    begin("errors");
    static const int32_t codes[] = {
        -1, -KEA_ENOENT, -KEA_EPERM, -1000, INT32_MIN, 0, 1, 12345, INT32_MAX,
    };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        uint32_t junk = 0xfeedu;
        CHECK_EQ(kt_fail(&bind_ok, codes[i], &junk), codes[i]);
        CHECK_EQ(junk, codes[i] < 0 ? 0xfeedu : 0x12345678u);
    }
    /* A failing op's out-buffer length is not reported either. */
    size_t got = 4242;
    CHECK_EQ(kt_get(&bind_ok, st.key + 1, big, 16, &got, NULL), -KEA_ENOENT);
    CHECK_EQ(got, 4242);

    /* Errors of the IDC path itself propagate. */
    kea_binding_t stale = { .portal = TEST_PORTAL + 1, .iface_id = KT_IFACE_ID };
    CHECK_EQ(kt_ping(&stale), -KEA_EBADPORTAL);
    uint32_t sum = 5;
    CHECK_EQ(kt_mix(&stale, 1, 1, 1, &sum, NULL, NULL), -KEA_EBADPORTAL);
    CHECK_EQ(sum, 5);

    /* A binding for another interface is refused before invoking. */
    kea_binding_t other = { .portal = TEST_PORTAL, .iface_id = KT_IFACE_ID ^ 1 };
    unsigned invokes = seen.invokes;
    CHECK_EQ(kt_ping(&other), -KEA_EIFACE);
    CHECK_EQ(kt_put(&other, 0, big, 4), -KEA_EIFACE);
    CHECK_EQ(seen.invokes, invokes);
    end();
}

static void test_badproc(void)
{
    begin("badproc");
    /* An unimplemented procedure (NULL op) and unknown numbers. */
    CHECK_EQ(kt_missing(&bind_ok, 3), -KEA_EBADPROC);
    CHECK_EQ(seen.proc, KT_PROC_MISSING);
    struct idc_args args = { .w = { 0 } };
    CHECK_EQ(portal_invoke(IDC_PP(TEST_PORTAL, KT_NPROCS), &args), -KEA_EBADPROC);
    CHECK_EQ(portal_invoke(IDC_PP(TEST_PORTAL, 0x7fff), &args), -KEA_EBADPROC);
    uint32_t out_len = 0;
    CHECK_EQ(dispatch_raw(1000, NULL, 0, NULL, 0, &out_len), -KEA_EBADPROC);
    CHECK_EQ(out_len, 0);
    CHECK_EQ(dispatch_raw(0xffffffffu, NULL, 0, NULL, 0, NULL), -KEA_EBADPROC);
    end();
}

static void test_outlen(void)
{
    begin("outlen");
    /* An op claiming more than out_cap fails the call; nothing is reported. */
    static const size_t caps[] = { 0, 1, 100, 4096 };
    for (unsigned i = 0; i < 4; i++) {
        memset(big, GUARD_BYTE, sizeof big);
        size_t got = 4242;
        CHECK_EQ(kt_liar(&bind_ok, big, caps[i], &got), -KEA_E2BIG);
        CHECK_EQ(got, 4242);
        CHECK((uint8_t)big[0] == GUARD_BYTE, "liar's bytes reached the caller");
    }
    uint32_t out_len = 7;
    uint8_t out[16];
    CHECK_EQ(dispatch_raw(KT_PROC_LIAR, NULL, 0, out, sizeof out, &out_len), -KEA_E2BIG);
    CHECK_EQ(out_len, 0);
    /* Procedures without an out-buffer report out_len 0 (the loopback
     * starts every call with garbage there and checks out_len <= out_cap). */
    CHECK_EQ(dispatch_raw(KT_PROC_PING, NULL, 0, NULL, 0, &out_len), 0);
    CHECK_EQ(out_len, 0);
    end();
}

int main(void)
{
    loop_srv = &server;
    test_constants();
    test_noparams();
    test_words();
    test_inbuf();
    test_outbuf();
    test_str();
    test_badstr();
    test_errors();
    test_badproc();
    test_outlen();
    return any_failed;
}
