/*
 * errno.c — errno and strerror.
 *
 * errno is one global: kea has no threads yet (see errno.h).  The messages
 * are glibc's, so kea and a Linux host print the same text for a number.
 * Environment: none.
 */
#include <errno.h>
#include <string.h>

int errno;

static const char *const messages[] = {
  [0] = "Success",
  [EPERM] = "Operation not permitted",
  [ENOENT] = "No such file or directory",
  [ESRCH] = "No such process",
  [EINTR] = "Interrupted system call",
  [EIO] = "Input/output error",
  [ENXIO] = "No such device or address",
  [E2BIG] = "Argument list too long",
  [ENOEXEC] = "Exec format error",
  [EBADF] = "Bad file descriptor",
  [ECHILD] = "No child processes",
  [EAGAIN] = "Resource temporarily unavailable",
  [ENOMEM] = "Cannot allocate memory",
  [EACCES] = "Permission denied",
  [EFAULT] = "Bad address",
  [ENOTBLK] = "Block device required",
  [EBUSY] = "Device or resource busy",
  [EEXIST] = "File exists",
  [EXDEV] = "Invalid cross-device link",
  [ENODEV] = "No such device",
  [ENOTDIR] = "Not a directory",
  [EISDIR] = "Is a directory",
  [EINVAL] = "Invalid argument",
  [ENFILE] = "Too many open files in system",
  [EMFILE] = "Too many open files",
  [ENOTTY] = "Inappropriate ioctl for device",
  [ETXTBSY] = "Text file busy",
  [EFBIG] = "File too large",
  [ENOSPC] = "No space left on device",
  [ESPIPE] = "Illegal seek",
  [EROFS] = "Read-only file system",
  [EMLINK] = "Too many links",
  [EPIPE] = "Broken pipe",
  [EDOM] = "Numerical argument out of domain",
  [ERANGE] = "Numerical result out of range",
  [EDEADLK] = "Resource deadlock avoided",
  [ENAMETOOLONG] = "File name too long",
  [ENOLCK] = "No locks available",
  [ENOSYS] = "Function not implemented",
  [ENOTEMPTY] = "Directory not empty",
  [ELOOP] = "Too many levels of symbolic links",
  [EOVERFLOW] = "Value too large for defined data type",
  [EILSEQ] = "Invalid or incomplete multibyte or wide character",
  [ENOTSUP] = "Operation not supported",
  [ETIMEDOUT] = "Connection timed out",
};

char *
strerror(int errnum)
{
  const char *m = NULL;

  if (errnum >= 0 && errnum < (int)(sizeof messages / sizeof messages[0]))
    m = messages[errnum];
  /* C's strerror returns char *, but the string must not be modified. */
  return (char *)(m != NULL ? m : "Unknown error");
}
