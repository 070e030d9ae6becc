import { Producer } from "kafkajs";
import { FrameResult } from "../shared/frame-result";
import { sleep } from "../shared/program";

export type PendingResult = Omit<FrameResult, "gatewaySendTs">;

/**
 * Batches frame results to the Kafka input topic through an idempotent producer (acks=all), one
 * batch in flight at a time so per-camera order is kept. A failed batch is retried until it is
 * acknowledged or the forwarder is stopped, so a result the gateway accepted is not dropped.
 */
export class KafkaForwarder {
  private pending: PendingResult[] = [];
  private pumping: Promise<void> | null = null;
  private linger: NodeJS.Timeout | null = null;
  private roomWaiters: (() => void)[] = [];
  private stopping = false;
  failedSends = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly batchSize: number,
    private readonly lingerMs: number,
    private readonly maxPending: number,
    private readonly onAcked: (batch: FrameResult[], ackedTs: number) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  add(r: PendingResult): void {
    this.pending.push(r);
    if (this.pending.length >= this.batchSize) this.kick();
    else if (!this.linger) this.linger = setTimeout(() => this.kick(), this.lingerMs);
  }

  /** Resolves once the queue is below its bound; the caller holds back the MQTT ack until then. */
  waitForRoom(): Promise<void> {
    if (this.pending.length < this.maxPending) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Sends everything queued; stops retrying after giveUpMs and then reports what was left. */
  async drain(giveUpMs: number): Promise<number> {
    const deadline = Date.now() + giveUpMs;
    while ((this.pending.length > 0 || this.pumping) && Date.now() < deadline) {
      this.kick();
      await Promise.race([this.pumping, sleep(100)]);
    }
    this.stopping = true;
    return this.pending.length;
  }

  private kick(): void {
    if (this.linger) {
      clearTimeout(this.linger);
      this.linger = null;
    }
    if (!this.pumping) this.pumping = this.pump().finally(() => (this.pumping = null));
  }

  private async pump(): Promise<void> {
    while (this.pending.length > 0 && !this.stopping) {
      const taken = this.pending.slice(0, this.batchSize);
      const sendTs = Date.now();
      const batch: FrameResult[] = taken.map((r) => ({ ...r, gatewaySendTs: sendTs }));
      try {
        await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: batch.map((r) => ({ key: String(r.camera), value: JSON.stringify(r), timestamp: String(sendTs) })),
        });
      } catch (e) {
        this.failedSends++;
        console.error(`gateway: Kafka send of ${batch.length} results failed, retrying: ${e instanceof Error ? e.message : String(e)}`);
        await sleep(500);
        continue;
      }
      this.pending.splice(0, taken.length);
      this.onAcked(batch, Date.now());
      if (this.pending.length < this.maxPending) for (const w of this.roomWaiters.splice(0)) w();
    }
  }
}
