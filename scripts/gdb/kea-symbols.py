# kea-symbols.py: GDB learns the symbols of the objects kea has loaded.
#
# kea relocates service and program objects at run time, in the kernel or
# in user domains (kernel/load.c), so their symbols are nowhere in
# kernel.elf.  The kernel keeps every loaded object on a list with the run
# address of each allocated section (struct kobj, kobj_section); this
# script reads the list and gives GDB each object's file with
#     add-symbol-file FILE TEXTADDR -s SECTION ADDR ...
# as Linux's lx-symbols does for modules.  A breakpoint on
# kobj_loaded_hook(), which the loader calls after placing an object and
# before running any of its code, re-reads the list and continues, so a
# breakpoint set in a service before it is loaded is hit (set
# `breakpoint pending on` first); one on kobj_unloaded_hook() does the same
# when an object is gone, which drops its symbols.
#
#   kea-symbols          re-read the list now (also drops unloaded objects)
#   $kea_domain()        id of the domain whose address space the CPU is in
#                        (user-placed objects share addresses across domains)
#
# Files: a boot module is found by its name among the paths in the
# environment variable KEA_MODULES (scripts/debug.sh sets it to the module
# paths it gives QEMU), else by searching the directory of the kernel ELF.
import os
import gdb


def _module_paths():
    paths = {}
    for p in os.environ.get("KEA_MODULES", "").split():
        paths.setdefault(os.path.basename(p), p)
    return paths


class KeaSymbols(gdb.Command):
    """Load the symbols of every object kea has loaded (kernel/load.c's list)."""

    def __init__(self):
        super().__init__("kea-symbols", gdb.COMMAND_FILES)
        self.added = {}          # (path, sections) -> (object name, text address), given to GDB
        self.paths = None

    # -- finding files -------------------------------------------------------
    def find(self, name):
        if self.paths is None:
            self.paths = _module_paths()
        if name in self.paths:
            return self.paths[name]
        prog = gdb.current_progspace().filename or ""
        top = os.path.dirname(os.path.abspath(prog)) if prog else "build"
        for root, _, files in os.walk(top):
            if name in files:
                self.paths[name] = os.path.join(root, name)
                return self.paths[name]
        return None

    # -- reading the kernel's list ---------------------------------------------
    @staticmethod
    def objects():
        """(name, domain name, domain id, [(section, address)]) per loaded object."""
        try:
            o = gdb.parse_and_eval("'load.c'::objects")
        except gdb.error:
            return []
        out = []
        while int(o) != 0:
            dom = o["dom"]
            secs = [(o["sects"][i]["name"].string(), int(o["sects"][i]["addr"]))
                    for i in range(int(o["nsects"]))]
            out.append((o["name"].string(), dom["name"].string(), int(dom["id"]), secs))
            o = o["next"]
        return out

    # -- telling GDB -----------------------------------------------------------
    def refresh(self):
        present = {}
        for name, dname, did, secs in self.objects():
            text = [a for s, a in secs if s == ".text"]
            if not text:
                continue            # nothing to break in
            path = self.find(name)
            if not path:
                gdb.write(f"kea-symbols: no file for {name} (in {dname}); set KEA_MODULES\n")
                continue
            # The same file at the same addresses (the runtime of every
            # domain) is one symbol file for GDB.
            key = (path, tuple(secs))
            present.setdefault(key, (name, dname, did, text[0]))
        for key in [k for k in self.added if k not in present]:
            name, text = self.added.pop(key)
            gdb.execute(f"remove-symbol-file -a {text:#x}", to_string=True)
            gdb.write(f"kea-symbols: removed {name} at {text:#x}\n")
        for key, (name, dname, did, text) in present.items():
            if key in self.added:
                continue
            args = " ".join(f"-s {s} {a:#x}" for s, a in key[1] if s != ".text")
            gdb.execute(f"add-symbol-file {key[0]} {text:#x} {args}", to_string=True)
            self.added[key] = (name, text)
            gdb.write(f"kea-symbols: {name} in {dname} (domain {did}): .text at {text:#x}\n")

    def invoke(self, arg, from_tty):
        self.refresh()


class LoadHook(gdb.Breakpoint):
    """Stops in kobj_loaded_hook (or kobj_unloaded_hook), re-reads the list,
    and goes on."""

    def __init__(self, cmd, where="kobj_loaded_hook"):
        super().__init__(where, internal=True)
        self.cmd = cmd

    def stop(self):
        self.cmd.refresh()
        return False


class KeaDomain(gdb.Function):
    """$kea_domain(): the id of the domain whose address space is current."""

    def __init__(self):
        super().__init__("kea_domain")

    def invoke(self):
        t = gdb.parse_and_eval("cur")
        return 0 if int(t) == 0 else int(t["space"]["id"])


_cmd = KeaSymbols()
LoadHook(_cmd)
LoadHook(_cmd, "kobj_unloaded_hook")
KeaDomain()
