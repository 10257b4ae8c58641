/* Constructors and destructors of a program object run in its domain. */
#include <stdio.h>

static int constructed;

__attribute__((constructor)) static void first(void) { constructed = constructed * 10 + 1; }
__attribute__((constructor(200))) static void early(void) { constructed = constructed * 10 + 2; }

int main(void)
{
    printf("ctor: constructed %d\n", constructed);
    return 0;
}
