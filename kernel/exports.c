/* The kernel's export table: the environment an object placed in the kernel
 * is linked against.  The user runtime (lib/rt) provides the same names in
 * user domains, so a service object does not know where it runs
 * (docs/services.md lists them).  Every name here must exist in the runtime
 * too: the build checks it (tests/svc/svc.mk), and checks each service
 * object against both lists with `kea-objinfo --env`.
 *
 * The table is deliberately small: libc, malloc, the LMM, portal_invoke and
 * the bindings of the base services, and what compilers call on their own
 * (the stack protector, libgcc's 64-bit division).  Those that touch kernel
 * state are bound to gates (KEXPORT_AS, kernel/kenv.c) that keep interrupts
 * off while the kernel's part runs: a service's own code runs with them on.  Client stubs of the base
 * services are not here: a service links the stubs it uses into its object,
 * and they call portal_invoke, which both placements provide. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/binding.h>
#include <kea/idc.h>
#include <kea/lmm.h>
#include "kernel.h"
#include "kexport.h"

/* libgcc's helpers for 64-bit arithmetic, which compiled code calls. */
extern char __udivdi3[], __umoddi3[], __divdi3[], __moddi3[], __udivmoddi4[], __divmoddi4[];
void __stack_chk_fail(void);
int kenv_printf(const char *fmt, ...);
int kenv_vprintf(const char *fmt, va_list ap);
int kenv_puts(const char *s);
int kenv_putchar(int c);
int kenv_getchar(void);
char *kenv_strdup(const char *s);
char *kenv_strndup(const char *s, size_t n);
void *kenv_malloc(size_t n);
void kenv_free(void *p);
void *kenv_calloc(size_t n, size_t m);
void *kenv_realloc(void *p, size_t n);
void kenv_panic(const char *fmt, ...);
void kenv_abort(void);
void kenv_assert_fail(const char *expr, const char *file, int line, const char *func);
int kenv_kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b);
void __stack_chk_fail_local(void);
void kea_flush(void);
uint32_t kea_domain_id(void);

/* stdio */
KEXPORT_AS(printf, kenv_printf); KEXPORT_AS(vprintf, kenv_vprintf); KEXPORT_AS(puts, kenv_puts);
KEXPORT_AS(putchar, kenv_putchar); KEXPORT_AS(getchar, kenv_getchar);
KEXPORT(sprintf); KEXPORT(snprintf); KEXPORT(vsprintf); KEXPORT(vsnprintf);
/* string */
KEXPORT(memcpy); KEXPORT(memmove); KEXPORT(memset); KEXPORT(memcmp); KEXPORT(memchr);
KEXPORT(strlen); KEXPORT(strnlen); KEXPORT(strcpy); KEXPORT(strncpy); KEXPORT(strcat);
KEXPORT(strncat); KEXPORT(strcmp); KEXPORT(strncmp); KEXPORT(strchr); KEXPORT(strrchr);
KEXPORT(strstr); KEXPORT(strspn); KEXPORT(strcspn); KEXPORT(strpbrk); KEXPORT(strtok_r);
KEXPORT(strlcpy); KEXPORT(strlcat); KEXPORT(strerror);
KEXPORT_AS(strdup, kenv_strdup); KEXPORT_AS(strndup, kenv_strndup);
/* ctype, stdlib */
KEXPORT(isalnum); KEXPORT(isalpha); KEXPORT(isdigit); KEXPORT(isspace); KEXPORT(isupper);
KEXPORT(islower); KEXPORT(isxdigit); KEXPORT(isprint); KEXPORT(ispunct); KEXPORT(iscntrl);
KEXPORT(isgraph); KEXPORT(isblank); KEXPORT(tolower); KEXPORT(toupper);
KEXPORT(strtol); KEXPORT(strtoul); KEXPORT(strtoll); KEXPORT(strtoull); KEXPORT(atoi);
KEXPORT(atol); KEXPORT(atoll); KEXPORT(abs); KEXPORT(labs); KEXPORT(llabs); KEXPORT(div);
KEXPORT(ldiv); KEXPORT(lldiv); KEXPORT(qsort); KEXPORT(bsearch);
KEXPORT(errno);
KEXPORT_AS(malloc, kenv_malloc); KEXPORT_AS(free, kenv_free); KEXPORT_AS(calloc, kenv_calloc);
KEXPORT_AS(realloc, kenv_realloc);
KEXPORT_AS(panic, kenv_panic); KEXPORT_AS(abort, kenv_abort);
KEXPORT_AS(__assert_fail, kenv_assert_fail);
/* the LMM, for services managing memory of their own */
KEXPORT(lmm_init); KEXPORT(lmm_add_region); KEXPORT(lmm_add_free); KEXPORT(lmm_alloc);
KEXPORT(lmm_alloc_aligned); KEXPORT(lmm_free); KEXPORT(lmm_avail);
/* kea */
KEXPORT(portal_invoke); KEXPORT(kea_strerror); KEXPORT(kea_flush); KEXPORT(kea_domain_id);
KEXPORT_AS(kea_bind, kenv_kea_bind);
KEXPORT(kea_base_console); KEXPORT(kea_base_thread); KEXPORT(kea_base_domain);
KEXPORT(kea_base_memory); KEXPORT(kea_base_portal); KEXPORT(kea_base_irq); KEXPORT(kea_base_sys);
/* compiler support */
KEXPORT(__stack_chk_fail); KEXPORT(__stack_chk_fail_local);
KEXPORT(__udivdi3); KEXPORT(__umoddi3); KEXPORT(__divdi3); KEXPORT(__moddi3); KEXPORT(__udivmoddi4);
KEXPORT(__divmoddi4);

extern const struct kexport __kexports_start[], __kexports_end[];

int kexport_lookup(const char *name, uint32_t *addr)
{
    for (const struct kexport *e = __kexports_start; e < __kexports_end; e++)
        if (strcmp(e->name, name) == 0) {
            *addr = (uint32_t)e->addr;
            return 0;
        }
    return -1;
}

const struct kexport *kexport_at(int i)
{
    return __kexports_start + i < __kexports_end ? __kexports_start + i : 0;
}
