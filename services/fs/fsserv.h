/* The fs interface of simplefs and cachefs (fsserv.c); each service adds
 * its descriptor and its block layer. */
#ifndef KEA_FSSERV_H
#define KEA_FSSERV_H
#include <stddef.h>
#include "fs_server.h"

extern struct fs_server fsserv_server;
void fsserv_init(const char *svc, const char *default_dev);
void fsserv_fini(void);
int fsserv_export(void *buf, size_t cap, size_t *len);
int fsserv_import(const void *buf, size_t len);
#endif
