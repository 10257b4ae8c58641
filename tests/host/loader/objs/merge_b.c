/* merge_b.c — second half of the `ld -r` merge. */
extern int a_helper(int);
extern int a_hits;
int b_value = 100;
static const char b_name[] = "merge-b";

__attribute__((constructor(300))) static void b_ctor(void) { a_hits += 1; }

int b_twice(int x) { return 2 * a_helper(x) + b_name[0]; }
