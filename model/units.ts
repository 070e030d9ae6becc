/** Network units as E2Clab writes them; the schema has already checked the shapes. */

export function parseDelayMs(text: string): number {
  return Number(text.slice(0, -2));
}

const RATE_FACTOR = { kbit: 1e3, mbit: 1e6, gbit: 1e9 } as const;

export function parseRateBps(text: string): number {
  const unit = text.slice(-4) as keyof typeof RATE_FACTOR;
  return Number(text.slice(0, -4)) * RATE_FACTOR[unit];
}

export function parseLossPercent(text: string): number {
  return Number(text.slice(0, -1));
}
