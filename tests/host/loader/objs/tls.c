/* tls.c — thread-local storage, which the loader refuses (no TLS in kea). */
__thread int per_thread = 3;
int tls_read(void) { return per_thread; }
