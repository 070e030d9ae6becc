import * as os from "os";
import { hostShaping } from "../netem/netemPlan";
import { LocalMachine, Machine } from "../tests/netem/machine";
import { NamespaceLan } from "../tests/netem/namespaceLan";
import { netemSupport } from "../tests/netem/netns";
import { netemVmImage, QemuVm } from "../tests/netem/vm/qemuVm";
import { replace } from "../tests/planner/scenarioFixture";
import { SMALL_SEED_HOSTS as HOSTS, SMALL_SEED_ROLES as ROLES, smallSeedPlan as plan } from "../tests/netem/smallSeed";

/**
 * Does TCP fill the seed's fog -> edge link (50 ms, 150 mbit) through the generated tc tree, and does the
 * netem queue (`limit`, sized from rate x delay) drop packets doing it? One iperf3 flow, fog -> edge, on
 * this machine when its kernel has netem, else in the netem VM (scripts/netem-vm/). Also: the same flow
 * unshaped (what the machine itself carries; with offloads off too, as on a shaped device: the per-packet
 * cap under software emulation) and with the seed's 5 % loss.
 *
 *   npm run bench:netem-tcp [-- seconds]
 */
const SECONDS = Number(process.argv[2] ?? 20);
const [FOG, EDGE] = [ROLES.fog, ROLES.edge[0]];

async function main() {
  const local = netemSupport();
  let machine: Machine;
  if (local.ok) machine = new LocalMachine(os.release());
  else {
    const image = netemVmImage();
    if ("skip" in image) throw new Error(`${local.reason}, and no VM: ${image.skip}`);
    machine = await QemuVm.boot(image);
  }
  const lan = await new NamespaceLan(machine, HOSTS).create();
  try {
    const iperf = async (label: string) => {
      await lan.exec(EDGE, ["iperf3", "-s", "-D", "-1", "-p", "5201"]);
      await lan.exec(EDGE, ["sleep", "1"]);
      const out = JSON.parse((await lan.exec(FOG, ["iperf3", "-c", lan.address(EDGE), "-p", "5201", "-t", String(SECONDS), "-J"])).stdout);
      const qdisc = (await lan.exec(FOG, ["tc", "-s", "qdisc", "show", "dev", "eth0"])).stdout;
      const netem = /qdisc netem [\s\S]*?dropped (\d+)[\s\S]*?backlog \S+ (\d+)p/.exec(qdisc);
      const rtt = out.end.streams?.[0]?.sender?.mean_rtt;
      console.log(
        `${label.padEnd(34)} ${(out.end.sum_received.bits_per_second / 1e6).toFixed(1).padStart(7)} Mbit/s  retransmits ${String(out.end.sum_sent.retransmits).padStart(5)}` +
          `  mean RTT ${rtt ? (rtt / 1000).toFixed(1) : "-"} ms  netem dropped ${netem ? netem[1] : "-"}  max cwnd ${(Math.max(...out.intervals.map((i: { streams: { snd_cwnd: number }[] }) => i.streams[0].snd_cwnd)) / 1024).toFixed(0)} KiB`,
      );
    };
    console.log(`bench:netem-tcp  ${SECONDS} s per flow, fog -> edge, on ${machine.description}`);
    await iperf("unshaped");
    // A shaped device has TSO/GSO/GRO off: per-packet cost, which bounds what software emulation carries.
    const offloads = (state: string) => Promise.all([FOG, EDGE].map((h) => lan.exec(h, ["ethtool", "-K", "eth0", "tso", state, "gso", state, "gro", state])));
    await offloads("off");
    await iperf("unshaped, offloads off");
    await offloads("on");
    const noLoss = plan(replace('  loss: "5%"\n', ""));
    const fog = hostShaping(noLoss).find((h) => h.host === FOG)!;
    console.log(`tree: ${fog.destinations[0].rate}, netem ${fog.destinations[0].netemArgs}`);
    await lan.apply(hostShaping(noLoss).filter((h) => h.host === FOG));
    await iperf("50 ms / 150 mbit, no loss");
    await lan.remove([FOG]);
    await lan.apply(hostShaping(plan((t) => t)).filter((h) => h.host === FOG));
    await iperf("50 ms / 150 mbit / 5 % loss (seed)");
    await lan.remove([FOG]);
  } finally {
    await lan.destroy();
    await machine.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
