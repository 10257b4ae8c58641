/* Rights of domains: what a domain may do beyond its own table and memory.
 * The shell holds them all; the kernel domain has all; a domain created by
 * another never gets more than its creator holds. */
#ifndef KEA_RIGHTS_H
#define KEA_RIGHTS_H
#define KEA_RIGHT_REMAP_OTHERS 0x1u  /* remap another domain's portal table */
#define KEA_RIGHT_REMAP_GLOBAL 0x2u  /* system-wide and domain-rooted remaps */
#define KEA_RIGHT_DOMAINS      0x4u  /* create, destroy, load, page other domains' memory */
#define KEA_RIGHT_IO           0x8u  /* interrupts and I/O ports */
#define KEA_RIGHT_ALL          0xfu
#endif
