/*
 * ctype.h — character classes, ASCII in the C locale.
 *
 * The argument is an unsigned char value or EOF, as in C11 7.4.  Bytes
 * 0x80-0xff belong to no class and are not changed by tolower/toupper.
 * These are functions only (no table-driven macros), so there is no table to
 * index out of bounds with a negative char.  Environment: none.
 */
#ifndef _KEA_CTYPE_H
#define _KEA_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isblank(int c);     /* ' ' '\t' */
int iscntrl(int c);     /* 0x00-0x1f, 0x7f */
int isdigit(int c);
int isgraph(int c);     /* printable, not space */
int islower(int c);
int isprint(int c);     /* 0x20-0x7e */
int ispunct(int c);     /* graph but not alnum */
int isspace(int c);     /* ' ' '\t' '\n' '\v' '\f' '\r' */
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#endif /* _KEA_CTYPE_H */
