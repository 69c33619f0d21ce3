import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readKallsyms } from "../../src/probes/capabilities.js";
import { tempDir } from "../helpers/temp-dir.js";

test("kallsyms: text and weak symbols, module ones without their [module], data symbols left out", async () => {
  const file = join(tempDir("kallsyms"), "kallsyms");
  writeFileSync(
    file,
    [
      "ffffffff81000000 T _stext",
      "ffffffff81dd7540 t vxlan_xmit\t[vxlan]",
      "ffffffff82000000 D init_net",
      "ffffffff81001000 W arch_weak_hook",
      "ffffffff81002000 w lower_weak",
      "0000000000000000 A fixed_percpu_data",
      "ffffffff81003000 b bss_thing",
      "ffffffff81004000 t __udp4_lib_rcv.cold",
    ].join("\n"),
  );
  assert.deepEqual([...(await readKallsyms(file))].sort(), [
    "__udp4_lib_rcv.cold",
    "_stext",
    "arch_weak_hook",
    "lower_weak",
    "vxlan_xmit",
  ]);
});
