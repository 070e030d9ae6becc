import { dockerCli } from "../../testbed/engine/dockerRealizers";

/** The local engine reaches a provider's daemon as the Docker provider does: locally, or over ssh://. */
describe("the Docker CLI of a provider", () => {
  it("is this machine's without a provider or host", () => {
    expect(dockerCli()(["ps"])).toEqual(["docker", "ps"]);
    expect(dockerCli({ disableDockerDaemonCheck: true })(["ps"])).toEqual(["docker", "ps"]);
  });

  it("runs docker on the host over ssh with the provider's ssh options, arguments quoted for its shell", () => {
    const cli = dockerCli({ host: "ssh://root@10.0.0.7:2222", sshOpts: ["-i", "/k/id", "-o", "BatchMode=yes"] });
    expect(cli(["create", "--name", "leader", "-e", "A=two words", "--health-cmd", "grep -q 'x' <&3", "img:1"])).toEqual([
      "ssh", "-i", "/k/id", "-o", "BatchMode=yes", "-p", "2222", "root@10.0.0.7", "--",
      "docker create --name leader -e 'A=two words' --health-cmd 'grep -q '\\''x'\\'' <&3' img:1",
    ]);
    expect(dockerCli({ host: "ssh://node-1" })(["ps"])).toEqual(["ssh", "-p", "22", "node-1", "--", "docker ps"]);
    // As Pulumi hands provider config over: a list JSON-encoded.
    expect(dockerCli({ host: "ssh://root@h:22", sshOpts: JSON.stringify(["-i", "/k"]) })(["ps"])).toEqual(["ssh", "-i", "/k", "-p", "22", "root@h", "--", "docker ps"]);
  });

  it("refuses a daemon address it cannot reach the way the provider would", () => {
    expect(() => dockerCli({ host: "tcp://10.0.0.7:2375" })).toThrow(/locally or over ssh:\/\//);
  });
});
