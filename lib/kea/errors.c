/* kea_strerror: names for the KEA_E* codes of the IDC path and base
 * services.  Environment: none. */
#include <kea/idc.h>

static const char *const names[KEA_NERRORS] = {
    [KEA_EOK] = "success",
    [KEA_EBADPORTAL] = "no such portal",
    [KEA_EDEAD] = "portal's service is gone",
    [KEA_EFAULT] = "bad buffer address",
    [KEA_E2BIG] = "buffer too large for the portal",
    [KEA_EDEPTH] = "calls nested too deep",
    [KEA_ECALLEEFAULT] = "callee faulted",
    [KEA_ENOMEM] = "out of memory",
    [KEA_EPERM] = "not permitted",
    [KEA_EINVAL] = "invalid argument",
    [KEA_ENOENT] = "no such name",
    [KEA_EBUSY] = "in use",
    [KEA_EIFACE] = "interfaces do not match",
    [KEA_EBADPROC] = "no such procedure",
    [KEA_EEXIST] = "name already taken",
    [KEA_EBADOBJ] = "bad object file",
    [KEA_EIO] = "device error",
    [KEA_ETIMEDOUT] = "timed out",
};

const char *kea_strerror(int err)
{
    if (err < 0) err = -err;
    return err < KEA_NERRORS && names[err] ? names[err] : "unknown error";
}
