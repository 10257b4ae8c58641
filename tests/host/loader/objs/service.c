/* service.c — an object that defines a service descriptor (kea_service),
 * for kea-objinfo; imports one kernel-only and one user-only function. */
extern int kernel_only_call(int);
extern int user_only_call(int);
extern int shared_call(int);

struct fake_service { const char *name; int (*entry)(int); unsigned flags; };

static int svc_entry(int x) { return kernel_only_call(x) + user_only_call(x) + shared_call(x); }

const struct fake_service kea_service = { "demo", svc_entry, 3 };
