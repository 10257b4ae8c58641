/* The fault injector's code (kernel/inject.c): one IDC handler, entered as
 * handler(rec, call) in place of a service's dispatch, with rec an
 * inject_rec { handler, arg, kind, armed }.  Disarmed, it hands the call
 * to the service unchanged (a tail call with the service's own argument);
 * armed, it disarms itself and does the fault of `kind` in the service's
 * placement, as the service's own code would.  Position independent: the
 * injector copies these bytes into a page of a user domain. */
    .text
    .globl inject_code_start, inject_code_end
inject_code_start:
    movl 4(%esp), %eax          /* rec */
    cmpl $0, 12(%eax)
    jne 1f
    movl 4(%eax), %ecx          /* the service's own argument */
    movl %ecx, 4(%esp)
    jmp *(%eax)                 /* and its dispatch */
1:  movl $0, 12(%eax)           /* one shot */
    movl 8(%eax), %ecx
    cmpl $1, %ecx
    je k_null
    cmpl $2, %ecx
    je k_wild
    cmpl $3, %ecx
    je k_div
    cmpl $4, %ecx
    je k_ud
    cmpl $5, %ecx
    je k_loop
    cmpl $6, %ecx
    je k_stack
    movl $0x7ead0bad, %eax      /* 7: garbage: a status no procedure returns */
    ret
k_null:                         /* 1: a load through a NULL pointer */
    movl 0x10, %eax
    ret
k_wild:                         /* 2: garbage over the service's own data (its
                                   server structure), then the call goes on */
    movl 4(%eax), %ecx
    movl $0x00000bad, (%ecx)
    movl $0x00000bad, 4(%ecx)
    movl %ecx, 4(%esp)
    jmp *(%eax)
k_div:                          /* 3: divide by zero */
    xorl %ecx, %ecx
    xorl %edx, %edx
    divl %ecx
    ret
k_ud:                           /* 4: invalid opcode */
    ud2
k_loop:                         /* 5: an endless loop */
    jmp k_loop
k_stack:                        /* 6: unbounded recursion */
    call k_stack
    ret
inject_code_end:
