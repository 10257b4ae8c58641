/* An object with a relocation the loader does not implement (R_386_SIZE32,
 * from sym@SIZE): refused by name. */
        .text
        .globl  sized
        .type   sized, @function
sized:  ret
        .size   sized, .-sized
        .data
        .globl  kea_service
kea_service:
        .long   sized@SIZE
