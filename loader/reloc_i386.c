/*
 * loader/reloc_i386.c — relocation arithmetic for EM_386.
 *
 * The generic loader (elfobj*.c) has already checked that the field lies
 * inside its section and has computed every input of the formula, so this
 * file only knows, per type, which formula to use, how wide the field is
 * and which values fit.  Notation (i386 psABI):
 *
 *   S    run address of the symbol
 *   A    addend: r_addend for SHT_RELA, else the value already in the field
 *   P    run address of the field being patched
 *   GOT  run address of the GOT base (_GLOBAL_OFFSET_TABLE_)
 *   G    offset of the symbol's GOT slot from GOT
 *
 * There is no PLT: the loader places an object once, so a call through
 * R_386_PLT32 goes straight to the symbol (S + A - P), as a static link
 * would resolve it.  Arithmetic is modulo 2^32, like the CPU's.
 */
#include "elf32.h"
#include "reloc.h"

#include <stddef.h>

uint16_t elfobj_arch_machine(void)
{
    return EM_386;
}

const char *elfobj_arch_name(void)
{
    return "i386";
}

/* Every type defined for EM_386, so that an unsupported one is named. */
static const char *const names[] = {
    [R_386_NONE] = "R_386_NONE",
    [R_386_32] = "R_386_32",
    [R_386_PC32] = "R_386_PC32",
    [R_386_GOT32] = "R_386_GOT32",
    [R_386_PLT32] = "R_386_PLT32",
    [R_386_COPY] = "R_386_COPY",
    [R_386_GLOB_DAT] = "R_386_GLOB_DAT",
    [R_386_JUMP_SLOT] = "R_386_JUMP_SLOT",
    [R_386_RELATIVE] = "R_386_RELATIVE",
    [R_386_GOTOFF] = "R_386_GOTOFF",
    [R_386_GOTPC] = "R_386_GOTPC",
    [R_386_32PLT] = "R_386_32PLT",
    [R_386_TLS_TPOFF] = "R_386_TLS_TPOFF",
    [R_386_TLS_IE] = "R_386_TLS_IE",
    [R_386_TLS_GOTIE] = "R_386_TLS_GOTIE",
    [R_386_TLS_LE] = "R_386_TLS_LE",
    [R_386_TLS_GD] = "R_386_TLS_GD",
    [R_386_TLS_LDM] = "R_386_TLS_LDM",
    [R_386_16] = "R_386_16",
    [R_386_PC16] = "R_386_PC16",
    [R_386_8] = "R_386_8",
    [R_386_PC8] = "R_386_PC8",
    [R_386_TLS_GD_32] = "R_386_TLS_GD_32",
    [R_386_TLS_GD_PUSH] = "R_386_TLS_GD_PUSH",
    [R_386_TLS_GD_CALL] = "R_386_TLS_GD_CALL",
    [R_386_TLS_GD_POP] = "R_386_TLS_GD_POP",
    [R_386_TLS_LDM_32] = "R_386_TLS_LDM_32",
    [R_386_TLS_LDM_PUSH] = "R_386_TLS_LDM_PUSH",
    [R_386_TLS_LDM_CALL] = "R_386_TLS_LDM_CALL",
    [R_386_TLS_LDM_POP] = "R_386_TLS_LDM_POP",
    [R_386_TLS_LDO_32] = "R_386_TLS_LDO_32",
    [R_386_TLS_IE_32] = "R_386_TLS_IE_32",
    [R_386_TLS_LE_32] = "R_386_TLS_LE_32",
    [R_386_TLS_DTPMOD32] = "R_386_TLS_DTPMOD32",
    [R_386_TLS_DTPOFF32] = "R_386_TLS_DTPOFF32",
    [R_386_TLS_TPOFF32] = "R_386_TLS_TPOFF32",
    [R_386_SIZE32] = "R_386_SIZE32",
    [R_386_TLS_GOTDESC] = "R_386_TLS_GOTDESC",
    [R_386_TLS_DESC_CALL] = "R_386_TLS_DESC_CALL",
    [R_386_TLS_DESC] = "R_386_TLS_DESC",
    [R_386_IRELATIVE] = "R_386_IRELATIVE",
    [R_386_GOT32X] = "R_386_GOT32X",
};

const char *elfobj_arch_reloc_name(uint32_t type)
{
    if (type < sizeof names / sizeof names[0])
        return names[type];     /* NULL for the unassigned 12 and 13 */
    switch (type) {
    case R_386_USED_BY_INTEL_200: return "R_386_USED_BY_INTEL_200";
    case R_386_GNU_VTINHERIT: return "R_386_GNU_VTINHERIT";
    case R_386_GNU_VTENTRY: return "R_386_GNU_VTENTRY";
    }
    return NULL;
}

bool elfobj_arch_howto(uint32_t type, struct reloc_howto *h)
{
    h->size = 4;
    h->got_slot = false;
    h->got_base = false;
    switch (type) {
    case R_386_NONE:
        h->size = 0;
        return true;
    case R_386_32:
    case R_386_PC32:
    case R_386_PLT32:
        return true;
    case R_386_GOTPC:
    case R_386_GOTOFF:
        h->got_base = true;
        return true;
    case R_386_GOT32:
    case R_386_GOT32X:
        h->got_base = true;
        h->got_slot = true;
        return true;
    case R_386_16:
    case R_386_PC16:
        h->size = 2;
        return true;
    case R_386_8:
    case R_386_PC8:
        h->size = 1;
        return true;
    }
    return false;
}

/* Sign-extend the low `bits` bits of v. */
static uint32_t sext(uint32_t v, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    v &= (m << 1) - 1;
    return (v ^ m) - m;
}

/* An absolute 8/16-bit field may hold the value as signed or as unsigned
 * (ld's "bitfield" rule, without its extra wrap-around slack): it fits if
 * it lies in [-2^(bits-1), 2^bits - 1] read as a signed 32-bit number. */
static bool fits_either(uint32_t v, unsigned bits)
{
    int32_t s = (int32_t)v;     /* two's complement, as gcc and clang do */
    return s >= -((int32_t)1 << (bits - 1)) && s <= ((int32_t)1 << bits) - 1;
}

/* A PC-relative field is a signed displacement. */
static bool fits_signed(uint32_t v, unsigned bits)
{
    int32_t s = (int32_t)v;
    return s >= -((int32_t)1 << (bits - 1)) && s <= ((int32_t)1 << (bits - 1)) - 1;
}

/*
 * For GOT32/GOT32X the psABI distinguishes two forms by the instruction:
 * with a base register (`mov foo@GOT(%ebx), %eax`, PIC code) the field is
 * the slot's offset from the GOT base, G + A; without one
 * (`mov foo@GOT, %eax`, only legal in non-PIC code) the CPU uses the field
 * as an absolute address, so it must be the slot's address, GOT + G + A.
 * The assembler marks the baseless form only through the ModRM byte just
 * before the displacement: mod = 00, r/m = 101 means "disp32, no base".
 * GNU ld and lld decide the same way.
 */
static bool got_without_base(int modrm)
{
    return modrm >= 0 && (modrm & 0xc7) == 0x05;
}

enum reloc_status elfobj_apply_relocate(const struct reloc_site *r,
                                        uint32_t *value)
{
    uint32_t A, v;

    switch (r->type) {
    case R_386_NONE:
        return RELOC_OK;

    case R_386_32:
    case R_386_PC32:
    case R_386_PLT32:
    case R_386_GOTPC:
    case R_386_GOTOFF:
    case R_386_GOT32:
    case R_386_GOT32X:
        A = r->rela ? r->A : get32(r->loc);
        switch (r->type) {
        case R_386_32:     v = r->S + A; break;
        case R_386_GOTPC:  v = r->GOT + A - r->P; break;
        case R_386_GOTOFF: v = r->S + A - r->GOT; break;
        case R_386_GOT32:
        case R_386_GOT32X:
            v = r->G + A;
            if (got_without_base(r->prev))
                v += r->GOT;
            break;
        default:           v = r->S + A - r->P; break;   /* PC32, PLT32 */
        }
        put32(r->loc, v);   /* 32-bit arithmetic wraps: never overflows */
        *value = v;
        return RELOC_OK;

    case R_386_16:
    case R_386_PC16:
        A = r->rela ? r->A : sext(get16(r->loc), 16);
        v = r->S + A - (r->type == R_386_PC16 ? r->P : 0);
        *value = v;
        if (r->type == R_386_PC16 ? !fits_signed(v, 16) : !fits_either(v, 16))
            return RELOC_OVERFLOW;
        put16(r->loc, v);
        return RELOC_OK;

    case R_386_8:
    case R_386_PC8:
        A = r->rela ? r->A : sext(r->loc[0], 8);
        v = r->S + A - (r->type == R_386_PC8 ? r->P : 0);
        *value = v;
        if (r->type == R_386_PC8 ? !fits_signed(v, 8) : !fits_either(v, 8))
            return RELOC_OVERFLOW;
        r->loc[0] = (uint8_t)v;
        return RELOC_OK;
    }
    return RELOC_UNSUPPORTED;
}

uint32_t elfobj_apply_rel_run(const uint8_t *rel, uint32_t n, const uint32_t *symrun,
                              uint8_t *wbase, uint32_t rbase)
{
    uint32_t k;

    for (k = 0; k < n; k++, rel += ELF32_REL_SIZE) {
        uint32_t off = get32(rel), info = get32(rel + 4);
        uint8_t *loc = wbase + off;

        switch (info & 0xff) {
        case R_386_32:
            put32(loc, symrun[info >> 8] + get32(loc));
            break;
        case R_386_PC32:
        case R_386_PLT32:
            put32(loc, symrun[info >> 8] + get32(loc) - (rbase + off));
            break;
        default:
            return k;
        }
    }
    return k;
}
