/* merge_a.c — first half of an `ld -r` merge: calls into merge_b.c and
 * shares data with it; has its own constructor. */
extern int b_value;
extern int b_twice(int);
int a_hits;

__attribute__((constructor)) static void a_ctor(void) { a_hits += 10; }

int a_entry(int x) { return b_twice(x) + b_value + a_hits; }
int a_helper(int x) { return x - 1; }
