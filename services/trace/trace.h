/* The records of the tracer's log (trace.idl, dump). */
#ifndef KEA_TRACE_H
#define KEA_TRACE_H
#include <stdint.h>

#define TRACE_PORTAL_NAME 32
#define TRACE_PROC_NAME 16
#define TRACE_TWIN_PREFIX "trace:"  /* twins are named "trace:" + the original's name */

struct trace_rec {
    uint32_t seq;                       /* 1, 2, ... in the order calls returned */
    uint32_t caller;                    /* the calling domain */
    uint32_t portal;                    /* system id of the original portal */
    uint32_t proc;                      /* procedure number */
    int32_t status;                     /* what the original returned */
    uint32_t ticks_lo, ticks_hi;        /* duration of the forwarded call (rdtsc) */
    char name[TRACE_PORTAL_NAME];       /* the original's name, "service.interface" */
    char procname[TRACE_PROC_NAME];     /* the procedure's name, "" if not known */
};
#endif
