/** What ran and what could not be undone at destroy. */
export interface DestroyReport {
  errors: string[];
}

/**
 * One way of running the program: the Pulumi engine (Automation API, needs the Pulumi CLI) or the project's
 * local engine (`testbed/engine`, for the local testbed where the CLI is not installed).
 */
export interface DeploymentBackend {
  readonly name: string;
  /** `pulumi up`: deploys and starts the experiment; returns the stack outputs. */
  up(env: Record<string, string>, log: (line: string) => void): Promise<Record<string, unknown>>;
  /** `pulumi destroy`: finalize, fetch, tear down; keeps going past failures and reports them. */
  destroy(log: (line: string) => void): Promise<DestroyReport>;
}
