/* The kernel's export table: the environment an object placed in the kernel
 * is linked against.  The user runtime (lib/rt) provides the same names in
 * user domains, so a service object does not know where it runs.  Keep the
 * two in step: `kea-objinfo --env` checks objects against both. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/binding.h>
#include <kea/idc.h>
#include <kea/lmm.h>
#include "kernel.h"
#include "kexport.h"

/* libgcc's helpers for 64-bit arithmetic, which compiled code calls. */
extern char __udivdi3[], __umoddi3[], __divdi3[], __moddi3[], __udivmoddi4[];
extern const kea_binding_t kea_base_console, kea_base_thread, kea_base_domain,
    kea_base_memory, kea_base_portal;
void __stack_chk_fail(void);
void __stack_chk_fail_local(void);
void kea_flush(void);
uint32_t kea_domain_id(void);

/* stdio */
KEXPORT(printf); KEXPORT(vprintf); KEXPORT(puts); KEXPORT(putchar); KEXPORT(getchar);
KEXPORT(sprintf); KEXPORT(snprintf); KEXPORT(vsprintf); KEXPORT(vsnprintf);
/* string */
KEXPORT(memcpy); KEXPORT(memmove); KEXPORT(memset); KEXPORT(memcmp); KEXPORT(memchr);
KEXPORT(strlen); KEXPORT(strnlen); KEXPORT(strcpy); KEXPORT(strncpy); KEXPORT(strcat);
KEXPORT(strncat); KEXPORT(strcmp); KEXPORT(strncmp); KEXPORT(strchr); KEXPORT(strrchr);
KEXPORT(strstr); KEXPORT(strspn); KEXPORT(strcspn); KEXPORT(strpbrk); KEXPORT(strtok_r);
KEXPORT(strlcpy); KEXPORT(strlcat); KEXPORT(strdup); KEXPORT(strndup); KEXPORT(strerror);
/* ctype, stdlib */
KEXPORT(isalnum); KEXPORT(isalpha); KEXPORT(isdigit); KEXPORT(isspace); KEXPORT(isupper);
KEXPORT(islower); KEXPORT(isxdigit); KEXPORT(isprint); KEXPORT(ispunct); KEXPORT(iscntrl);
KEXPORT(isgraph); KEXPORT(tolower); KEXPORT(toupper);
KEXPORT(strtol); KEXPORT(strtoul); KEXPORT(strtoll); KEXPORT(strtoull); KEXPORT(atoi);
KEXPORT(atol); KEXPORT(abs); KEXPORT(labs); KEXPORT(qsort); KEXPORT(bsearch);
KEXPORT(malloc); KEXPORT(free); KEXPORT(calloc); KEXPORT(realloc);
KEXPORT(panic); KEXPORT(abort); KEXPORT(__assert_fail); KEXPORT(errno);
/* the LMM, for services managing memory of their own */
KEXPORT(lmm_init); KEXPORT(lmm_add_region); KEXPORT(lmm_add_free); KEXPORT(lmm_alloc);
KEXPORT(lmm_alloc_aligned); KEXPORT(lmm_free); KEXPORT(lmm_avail);
/* kea */
KEXPORT(portal_invoke); KEXPORT(kea_bind); KEXPORT(kea_strerror); KEXPORT(kea_flush);
KEXPORT(kea_domain_id);
KEXPORT(kea_base_console); KEXPORT(kea_base_thread); KEXPORT(kea_base_domain);
KEXPORT(kea_base_memory); KEXPORT(kea_base_portal);
/* compiler support */
KEXPORT(__stack_chk_fail); KEXPORT(__stack_chk_fail_local);
KEXPORT(__udivdi3); KEXPORT(__umoddi3); KEXPORT(__divdi3); KEXPORT(__moddi3); KEXPORT(__udivmoddi4);

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
