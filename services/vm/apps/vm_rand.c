/* vm_rand: the random-access workload of the VM service.
 *
 * It pages its paged area through the VM service with a budget of F
 * frames and makes A accesses to pages drawn at random (a fixed seed, so
 * every run is the same) among N: one in four rewrites the whole page with
 * a new generation of data, the others read the whole page and check it
 * against the generation it should hold (zero for a page never written).
 * A last sweep checks every page.  Then it prints what paging cost it.
 * No policy can do much for such a pattern: it is the control beside the
 * sequential scan.
 *
 *     spawn vm_rand.o RIGHTS 0xMAAPPPFF
 *
 * with each field 0 for its default:  FF frames (16), PPP pages (64), AA
 * accesses in units of 256 (16: 4096 accesses), M mode: 0 run under the
 * policy serving this domain, 1 install MRU for this domain first (a
 * rooted remap: needs the remap rights). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "vmapp.h"

static uint32_t rnd_state = 0x2545f491u;

static uint32_t rnd(void)
{
    uint32_t x = rnd_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rnd_state = x;
}

static uint32_t field(uint32_t arg, int shift, uint32_t mask, uint32_t dflt)
{
    uint32_t v = (arg >> shift) & mask;
    return v ? v : dflt;
}

/* Check page pg against generation gen; the number of wrong words. */
static uint32_t check(struct vmapp *a, uint32_t pg, uint32_t gen)
{
    volatile uint32_t *w = vmapp_page(pg);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < VMAPP_WORDS; i++) {
        uint32_t want = gen ? vmapp_word(a->dom, pg, i, gen) : 0, got = w[i];
        if (got != want && bad++ < 2)
            printf("%s %s: page %u word %u reads %08x, should hold %08x (generation %u)\n",
                   a->prog, a->name, pg, i, got, want, gen);
    }
    return bad;
}

int main(uint32_t arg)
{
    uint32_t frames = field(arg, 0, 0xff, 16);
    uint32_t pages = field(arg, 8, 0xfff, 64);
    uint32_t accesses = field(arg, 20, 0xff, 16) * 256;
    uint32_t mode = arg >> 28;
    struct vmapp a;
    if (mode > 1) {
        printf("vm_rand: unknown mode %u (0 plain, 1 install MRU itself)\n", mode);
        return 1;
    }
    uint32_t *gen = calloc(pages, sizeof *gen);   /* what each page should hold */
    if (!gen) {
        printf("vm_rand: no memory for %u pages\n", pages);
        return 1;
    }
    if (vmapp_start(&a, "vm_rand", frames) < 0) return 1;
    if (mode == 1 && vmapp_rooted_mru(&a, 1) < 0) {
        vmapp_finish(&a, 0);
        return 1;
    }
    char policy[16];
    vmapp_algorithm(&a, policy, sizeof policy);

    uint32_t bad = 0, writes = 0;
    for (uint32_t n = 0; n < accesses; n++) {
        uint32_t pg = rnd() % pages;
        if (rnd() % 4 == 0) {
            volatile uint32_t *w = vmapp_page(pg);
            gen[pg]++;
            for (uint32_t i = 0; i < VMAPP_WORDS; i++)
                w[i] = vmapp_word(a.dom, pg, i, gen[pg]);
            writes++;
        } else {
            bad += check(&a, pg, gen[pg]);
        }
    }
    for (uint32_t pg = 0; pg < pages; pg++)
        bad += check(&a, pg, gen[pg]);

    uint32_t f, r, w;
    if (vmapp_delta(&a, &f, &r, &w) == 0)
        printf("%s %s: %u accesses (%u rewrites) to %u pages in %u frames under %s: "
               "faults %u reads %u writes %u\n", a.prog, a.name, accesses, writes, pages, frames,
               policy, f, r, w);
    if (mode == 1) vmapp_rooted_mru(&a, 0);
    vmapp_finish(&a, bad);
    free(gen);
    return bad ? 1 : 0;
}
