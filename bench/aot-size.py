#!/usr/bin/env python3
"""The size of a Native AOT binary by assembly, from the map file the compiler writes with -p:IlcGenerateMapFile=true
(obj/.../native/NAME.map.xml) and the response file beside it (NAME.ilc.rsp, which names the assemblies).

    bench/aot-size.py NAME.map.xml [OTHER.map.xml] [--top N]

Each node of the map (method code, type data, statics, ...) goes to the assembly its mangled name starts with (generic
code to the assembly of the generic definition: List<Job> counts for System.Private.CoreLib); the runtime's own tables
(metadata, the dehydrated type data, frozen objects, stack trace data) are listed by kind. With a second map the two
are side by side, the first as "before".
"""
import argparse
import collections
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

# Prefixes of node names that say what a node is for, before the name of the type or method it belongs to.
NODE_PREFIX = re.compile(r"^(?:_ZTV\d+|<Boxed>|unbox_|__GCStaticBase_|__NonGCStaticBase_|__GCSTATICS|__NONGCSTATICS|__GenericDict_"
                         r"|__fatpointer_|__RuntimeMethodHandle_|__RuntimeFieldHandle_|__ThreadStaticBase_|__TypeThreadStaticIndex_"
                         r"|__GCStaticEEType_|__InterfaceDispatchMap_|__SealedVTable_|__Str_|<[A-Za-z]+>_?|_+)+")


def assemblies(response_file):
    names = {"System.Private.CoreLib", "System.Private.TypeLoader", "System.Private.Reflection.Execution",
             "System.Private.StackTraceMetadata"}
    for line in Path(response_file).read_text().splitlines():
        match = re.match(r"^(?:-r:)?(?:.*/)?([^/]+)\.dll$", line.strip())
        if match:
            names.add(match.group(1))
    # The compiler's mangling: dots become underscores, System.Private. becomes S_P_.
    mangled = {name.replace("System.Private.", "S.P.").replace(".", "_").replace("-", "_") + "_": name for name in names}
    return sorted(mangled.items(), key=lambda item: -len(item[0]))


def sizes(map_file):
    prefixes = assemblies(Path(str(map_file).removesuffix(".map.xml") + ".ilc.rsp"))
    by = collections.Counter()
    for _, node in ElementTree.iterparse(map_file):
        name, length = node.get("Name"), node.get("Length")
        if name is not None and length is not None:
            bare = NODE_PREFIX.sub("", name)
            owner = next((assembly for prefix, assembly in prefixes if bare.startswith(prefix)), None)
            by[owner or f"(runtime tables: {node.tag})"] += int(length)
        node.clear()
    return by


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("maps", nargs="+")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    tables = [sizes(m) for m in args.maps]
    last = tables[-1]
    keys = sorted(set().union(*tables), key=lambda k: -max(t[k] for t in tables))
    shown, rest = keys[:args.top], keys[args.top:]
    if len(tables) == 1:
        print("| assembly | KiB |\n| --- | ---: |")
        for key in shown:
            print(f"| {key} | {last[key] / 1024:,.0f} |")
        print(f"| {len(rest)} more | {sum(last[k] for k in rest) / 1024:,.0f} |")
        print(f"| total in the map | {sum(last.values()) / 1024:,.0f} |")
        return
    first = tables[0]
    print("| assembly | before KiB | after KiB |\n| --- | ---: | ---: |")
    for key in shown:
        print(f"| {key} | {first[key] / 1024:,.0f} | {last[key] / 1024:,.0f} |")
    print(f"| {len(rest)} more | {sum(first[k] for k in rest) / 1024:,.0f} | {sum(last[k] for k in rest) / 1024:,.0f} |")
    print(f"| total in the map | {sum(first.values()) / 1024:,.0f} | {sum(last.values()) / 1024:,.0f} |")


if __name__ == "__main__":
    main()
