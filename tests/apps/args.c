/* A spawned program's arguments: main(n, args). */
#include <stdio.h>
#include <stdint.h>

int main(uint32_t n, const char *args)
{
    printf("args: n=%u text='%s'\n", n, args);
    return (int)n;
}
