/* LZSS (lzss.h): greedy matching over hash chains of 3-byte prefixes. */
#include <string.h>
#include "lzss.h"

#define NIL       0xffffu
#define MAX_CHAIN 64            /* candidates tried per position */

static uint32_t hash3(const uint8_t *p)
{
    return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16) * 2654435761u >> 20;
}

static void insert(struct lzss_work *w, const uint8_t *in, size_t n, size_t i)
{
    if (i + LZSS_MIN > n) return;
    uint32_t h = hash3(in + i);
    w->prev[i] = w->head[h];
    w->head[h] = (uint16_t)i;
}

size_t lzss_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap, struct lzss_work *w)
{
    if (n > LZSS_MAX_IN) return 0;
    memset(w->head, 0xff, sizeof w->head);
    size_t o = 0, flagpos = 0, i = 0;
    unsigned items = 8;
    while (i < n) {
        if (items == 8) {
            if (o >= cap) return 0;
            flagpos = o;
            out[o++] = 0;
            items = 0;
        }
        size_t best = 0, dist = 0, maxlen = n - i < LZSS_MAX ? n - i : LZSS_MAX;
        if (maxlen >= LZSS_MIN) {
            uint16_t cand = w->head[hash3(in + i)];
            for (int depth = 0; cand != NIL && depth < MAX_CHAIN; depth++, cand = w->prev[cand]) {
                size_t l = 0;
                while (l < maxlen && in[cand + l] == in[i + l]) l++;
                if (l > best) {
                    best = l;
                    dist = i - cand;
                    if (l == maxlen) break;
                }
            }
        }
        if (best >= LZSS_MIN) {
            size_t code = best - LZSS_MIN, need = code >= 15 ? 3 : 2;
            if (o + need > cap) return 0;
            uint32_t v = (uint32_t)(dist - 1) | (uint32_t)(code >= 15 ? 15 : code) << 12;
            out[o++] = (uint8_t)v;
            out[o++] = (uint8_t)(v >> 8);
            if (code >= 15) out[o++] = (uint8_t)(code - 15);
            out[flagpos] |= (uint8_t)(1u << items);
            for (size_t k = 0; k < best; k++) insert(w, in, n, i + k);
            i += best;
        } else {
            if (o + 1 > cap) return 0;
            out[o++] = in[i];
            insert(w, in, n, i);
            i++;
        }
        items++;
    }
    return o;
}

int lzss_decode(const uint8_t *in, size_t n, uint8_t *out, size_t want)
{
    size_t i = 0, o = 0;
    while (o < want) {
        if (i >= n) return -1;
        unsigned flags = in[i++];
        for (unsigned k = 0; k < 8 && o < want; k++) {
            if (!(flags & 1u << k)) {
                if (i >= n) return -1;
                out[o++] = in[i++];
                continue;
            }
            if (n - i < 2) return -1;
            uint32_t v = (uint32_t)in[i] | (uint32_t)in[i + 1] << 8;
            i += 2;
            size_t dist = (v & 0xfff) + 1, len = (v >> 12) + LZSS_MIN;
            if (v >> 12 == 15) {
                if (i >= n) return -1;
                len += in[i++];
            }
            if (dist > o || len > want - o) return -1;
            for (size_t k2 = 0; k2 < len; k2++, o++) out[o] = out[o - dist];
        }
    }
    return i == n ? 0 : -1;
}
