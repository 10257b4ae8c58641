/* The caller of a base service, shared by every kernel/base/<iface>.c:
 * the domain of the activation below the service's own (the thread's root
 * domain when there is none), and whether it holds a right. */
#ifndef KEA_BASE_CALLER_H
#define KEA_BASE_CALLER_H
#include "../proc.h"

static inline struct domain *caller_domain(void)
{
    return cur->depth > 0 ? cur->act[cur->depth - 1].dom : cur->root;
}

static inline int has_right(uint32_t right) { return (caller_domain()->rights & right) == right; }

#endif
