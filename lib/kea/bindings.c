/* Bindings to the base services, at the local ids every domain (and the
 * kernel domain, for kernel-placed objects) holds them at: one definition
 * for both environments (the kernel and the user runtime link lib/kea). */
#include <kea/binding.h>
#include <kea/tls.h>
#include "console_client.h"
#include "thread_client.h"
#include "domain_client.h"
#include "memory_client.h"
#include "portal_client.h"
#include "irq_client.h"
#include "sys_client.h"

const kea_binding_t kea_base_console = { BASE_CONSOLE, CONSOLE_IFACE_ID };
const kea_binding_t kea_base_thread = { BASE_THREAD, THREAD_IFACE_ID };
const kea_binding_t kea_base_domain = { BASE_DOMAIN, DOMAIN_IFACE_ID };
const kea_binding_t kea_base_memory = { BASE_MEMORY, MEMORY_IFACE_ID };
const kea_binding_t kea_base_portal = { BASE_PORTAL, PORTAL_IFACE_ID };
const kea_binding_t kea_base_irq = { BASE_IRQ, IRQ_IFACE_ID };
const kea_binding_t kea_base_sys = { BASE_SYS, SYS_IFACE_ID };
