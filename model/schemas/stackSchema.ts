import { identifier, selector } from "./names";

/** Keys of this project's config namespace in `Pulumi.<stack>.yaml` (`edge2cloud:<key>`). */
export const CONFIG_NAMESPACE = "edge2cloud";

const sshPort = { type: "integer", minimum: 1, maximum: 65535, expected: "a TCP port from 1 to 65535" } as const;
const address = {
  type: "string",
  pattern: "^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$",
  expected: "a host name or IP address",
} as const;

const host = {
  type: "object",
  required: ["name", "address"],
  additionalProperties: false,
  expected: "a host {name, address, user?, port?, layer?, service?}",
  properties: {
    name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$", expected: "a host name of letters, digits, '.', '_' or '-'" },
    address,
    address6: { type: "string", expected: "an IPv6 address" },
    user: { type: "string", minLength: 1, expected: "an SSH user name" },
    port: sshPort,
    layer: identifier,
    service: { ...selector, expected: "a service such as 'fog.mosquitto'" },
  },
} as const;

const secret = {
  type: "object",
  required: ["secure"],
  additionalProperties: false,
  properties: { secure: { type: "string" } },
  expected: "a Pulumi secret: set it with `pulumi config set --secret edge2cloud:sshPrivateKey < key`",
} as const;

/** The `config:` block; keys are written with their namespace, as Pulumi stores them. */
export const stackSchema = {
  type: "object",
  required: ["config"],
  additionalProperties: false,
  properties: {
    encryptionsalt: { type: "string" },
    secretsprovider: { type: "string" },
    encryptedkey: { type: "string" },
    config: {
      type: "object",
      required: [`${CONFIG_NAMESPACE}:hosts`],
      additionalProperties: false,
      properties: {
        [`${CONFIG_NAMESPACE}:scenario`]: { type: "string", minLength: 1, expected: "a scenario folder, such as configs/cctv" },
        [`${CONFIG_NAMESPACE}:artifacts`]: { type: "string", minLength: 1, expected: "the artifacts folder that copy tasks read" },
        [`${CONFIG_NAMESPACE}:results`]: { type: "string", minLength: 1, expected: "the folder that receives results" },
        [`${CONFIG_NAMESPACE}:duration`]: { type: "integer", minimum: 1, expected: "the experiment duration in seconds" },
        [`${CONFIG_NAMESPACE}:repeat`]: { type: "integer", minimum: 0, expected: "the repeat index of this run (current_repeat), 0 or more" },
        [`${CONFIG_NAMESPACE}:allowMissingNetem`]: { type: "boolean", expected: "true or false" },
        [`${CONFIG_NAMESPACE}:jumpHost`]: {
          type: "object",
          required: ["host"],
          additionalProperties: false,
          properties: { host: address, user: { type: "string", minLength: 1 }, port: sshPort },
          expected: "a jump host {host, user?, port?}",
        },
        [`${CONFIG_NAMESPACE}:hosts`]: { type: "array", minItems: 1, items: host, expected: "a list of hosts" },
        [`${CONFIG_NAMESPACE}:images`]: {
          type: "object",
          additionalProperties: { type: "string", minLength: 1 },
          expected: "a mapping of service role to container image",
        },
        [`${CONFIG_NAMESPACE}:sshPrivateKey`]: secret,
        [`${CONFIG_NAMESPACE}:bootstrapHosts`]: { type: "boolean", expected: "true (install what each host needs) or false (you prepare the hosts)" },
        [`${CONFIG_NAMESPACE}:imageSource`]: {
          enum: ["transfer", "registry", "build"],
          expected: "transfer (from this machine's Docker engine over SSH), registry (pulled by each host) or build (the project's Dockerfiles built on each host)",
        },
        [`${CONFIG_NAMESPACE}:buildContexts`]: { type: "string", minLength: 1, expected: "the folder where docker/build.sh staged the build contexts (its BUILD_DIR)" },
        [`${CONFIG_NAMESPACE}:buildBase`]: { type: "string", minLength: 1, expected: "the base image the Dockerfiles start FROM, in this machine's Docker engine" },
        [`${CONFIG_NAMESPACE}:registry`]: {
          type: "object",
          required: ["address", "username"],
          additionalProperties: false,
          properties: { address: { type: "string", minLength: 1 }, username: { type: "string", minLength: 1 } },
          expected: "{address, username} of the registry the hosts log in to (password: edge2cloud:registryPassword, a secret)",
        },
        [`${CONFIG_NAMESPACE}:registryPassword`]: { ...secret, expected: "a Pulumi secret: set it with `pulumi config set --secret edge2cloud:registryPassword`" },
        [`${CONFIG_NAMESPACE}:dataDir`]: { type: "string", pattern: "^/", expected: "an absolute folder on the hosts ({host} = the host's name)" },
        [`${CONFIG_NAMESPACE}:containerNetwork`]: { type: "string", minLength: 1, expected: "a Docker network mode such as host or container:{host}" },
        [`${CONFIG_NAMESPACE}:containerPrefix`]: { type: "string", pattern: "^[A-Za-z0-9{}_.-]*$", expected: "a container name prefix such as {host}-" },
        [`${CONFIG_NAMESPACE}:localTestbed`]: {
          type: "object",
          required: ["network", "subnet", "hostImage"],
          additionalProperties: false,
          expected: "{network, subnet, hostImage}: the emulated hosts the program makes on this machine",
          properties: {
            network: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$", expected: "a Docker network name" },
            subnet: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$", expected: "an IPv4 subnet such as 172.28.5.0/24" },
            hostImage: { type: "string", minLength: 1, expected: "the emulated host image (testbed/host, npm run local:images)" },
          },
        },
        [`${CONFIG_NAMESPACE}:sshUser`]: { type: "string", minLength: 1, expected: "the default SSH user" },
      },
      // Other projects' or providers' keys (`docker:host`, `command:...`) are Pulumi's business, not ours.
      patternProperties: { "^(?!edge2cloud:)[A-Za-z0-9_-]+:": {} },
    },
  },
} as const;
