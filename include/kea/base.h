/* Bindings to the base services every domain holds (and the kernel domain,
 * for kernel-placed objects), defined once in lib/kea/bindings.c.  Pass them
 * to the generated stubs: thread_id(&kea_base_thread, &tid). */
#ifndef KEA_BASE_H
#define KEA_BASE_H
#include <kea/binding.h>
extern const kea_binding_t kea_base_console, kea_base_thread, kea_base_domain,
    kea_base_memory, kea_base_portal, kea_base_irq, kea_base_sys;

/* In raw mode a console read may start with this byte: output from
 * elsewhere (another domain, another thread, the kernel) ended a line while
 * the reader waited, below its prompt (redraw the prompt and the line), or
 * someone set raw mode again to wake the reader.  No terminal sends it
 * (0xff is never part of UTF-8). */
#define KEA_CONSOLE_REPRINT 0xff
#endif
