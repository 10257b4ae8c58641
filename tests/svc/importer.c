/* A service that imports a function of another loaded service (svctest's
 * generated svctest_dispatch): it loads in the kernel only while a
 * svctest instance is loaded there, and that instance cannot be unloaded
 * while this one uses it. */
#include <kea/service.h>

int svctest_dispatch(void *arg, struct idc_call *call);

/* An unknown procedure: the dispatcher refuses it before looking at arg. */
static int init(void)
{
    struct idc_call c = { .proc = 0x7fff };
    return svctest_dispatch(0, &c) == -KEA_EBADPROC ? 0 : -KEA_EINVAL;
}

KEA_SERVICE(.name = "importer", .init = init);
