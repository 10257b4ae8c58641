#!/bin/sh
# mkcorpus.sh — regenerate the fuzz seed corpus tests/fuzz/loader/corpus/
# from the loader's test objects (after `make build/host/test_loader_unit`
# and the test objects are built).  Run from the top of the tree.  Seeds
# are small on purpose: libFuzzer mutates small inputs faster.  Files named
# regress-* are inputs that once crashed the engine, kept by hand.
set -e
build=${1:-build}
out=tests/fuzz/loader/corpus
tobj=$build/host/loader/tobj
mkdir -p "$out"
for o in relocs-asm.o basic-nopic-O0.o basic-pic-O2.o basic-pie-O2.o pic-pic-O2.o \
         pic-pic-O2-got32.o merged.o run-distro.o service-pic-O2.o tls-nopic-O2.o; do
    # Drop what the loader never reads (.comment, .note.GNU-stack) to
    # keep seeds small.
    objcopy --remove-section=.comment --remove-section=.note.GNU-stack "$tobj/$o" "$out/$o"
done
LOADER_DUMP_CORPUS=$out "$build/host/test_loader_unit" > /dev/null
ls -l "$out"
