/* Service objects with broken descriptors, one per -DBAD_<what> (svc.mk):
 * the loader must refuse each with a message naming the problem, run none
 * of its code and leave nothing behind. */
#include <stdint.h>
#include <kea/service.h>

static int handler(void *arg, struct idc_call *call)
{
    (void)arg; (void)call;
    return 0;
}

static int init(void) { return 0; }

__attribute__((used)) static int data_word = 1;
__attribute__((used)) static struct kea_service_iface one[KEA_SERVICE_MAX_IFACES + 1] = {
    { "bad", 0x1234, handler, 0, 0, 0 },
};

#if defined(BAD_MAGIC)
const struct kea_service kea_service = { .magic = 0x12345678, .name = "bad", .ifaces = one,
                                         .nifaces = 1, .init = init };
#elif defined(BAD_NIFACES)
KEA_SERVICE(.name = "bad", .ifaces = one, .nifaces = KEA_SERVICE_MAX_IFACES + 1, .init = init);
#elif defined(BAD_NAME_OUTSIDE)
KEA_SERVICE(.name = (const char *)0x1000, .ifaces = one, .nifaces = 1, .init = init);
#elif defined(BAD_NAME_UNTERMINATED)
static const char long_name[2 * 4096] = { [0 ... 2 * 4096 - 1] = 'a' };
KEA_SERVICE(.name = long_name, .ifaces = one, .nifaces = 1, .init = init);
#elif defined(BAD_DISPATCH)
static struct kea_service_iface not_code[1] = { { "bad", 0x1234, (idc_handler_t)&data_word, 0, 0, 0 } };
KEA_SERVICE(.name = "bad", .ifaces = not_code, .nifaces = 1, .init = init);
#elif defined(BAD_CONTRACT)
/* Procedure 1 both status-only and a byte count: one result each. */
static struct kea_service_iface two_results[1] = { { "bad", 0x1234, handler, 0, 0x3, 0x6 } };
KEA_SERVICE(.name = "bad", .ifaces = two_results, .nifaces = 1, .init = init);
#elif defined(BAD_NONE)
/* No descriptor at all: a program object, say, loaded as a service. */
int bad_entry(void) { return init() + handler(one, 0) + data_word; }
#else
#error "pick a BAD_ variant"
#endif
