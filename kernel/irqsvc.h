#ifndef KEA_IRQSVC_H
#define KEA_IRQSVC_H
#include <stdint.h>
struct domain;
#define IOMAP_BYTES (65536 / 8)
int  irqsvc_attach(struct domain *d, int irq, int local);
int  irqsvc_detach(struct domain *d, int irq);
void irqsvc_forget_domain(struct domain *d);
int  ioports_grant(struct domain *d, uint32_t base, uint32_t count);
void ioports_forget_domain(struct domain *d);
void io_switch(struct domain *d);
extern int io_domains;
struct portal;
int  irqsvc_next(int from, int (*mine)(const struct domain *d, const struct portal *p, void *ctx),
                 void *ctx);
void irqsvc_handover(int irq, struct domain *heir);
void irqsvc_park(int irq);
int  irqsvc_staged(int irq);
void irqsvc_commit(int irq);
void irqsvc_unpark(int irq);
#endif
