// CPU and memory amounts as people read them in a reason: "1.5 CPUs", "512 MiB".
// A request rounds up and what is free rounds down, so a shown shortfall never reads as a fit.

export type Rounding = 'up' | 'down';

function rounded(value: number, decimals: number, rounding: Rounding): string {
  const scale = 10 ** decimals;
  // toFixed first: 0.3 * 1000 is 300.00000000000006, which must not round up to 301
  const scaled = Number((value * scale).toFixed(6));
  const whole = rounding === 'up' ? Math.ceil(scaled) : Math.floor(scaled);
  return String(whole / scale);
}

/** A number of CPUs without the unit: 1.5e9 → "1.5". Millicpu precision. */
export function cpuAmount(nanoCpus: number, rounding: Rounding = 'up'): string {
  return rounded(Math.max(0, nanoCpus) / 1e9, 3, rounding);
}

/** 1.5e9 → "1.5 CPUs", 1e9 → "1 CPU". */
export function formatCpus(nanoCpus: number, rounding: Rounding = 'up'): string {
  const amount = cpuAmount(nanoCpus, rounding);
  return `${amount} ${amount === '1' ? 'CPU' : 'CPUs'}`;
}

const UNITS: ReadonlyArray<[string, number]> = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
];

/** 536870912 → "512 MiB", 1.5 GiB → "1.5 GiB", 100 → "100 B". */
export function formatMemory(bytes: number, rounding: Rounding = 'up'): string {
  const value = Math.max(0, bytes);
  for (const [unit, size] of UNITS) {
    if (value >= size) return `${rounded(value / size, 2, rounding)} ${unit}`;
  }
  return `${rounded(value, 0, rounding)} B`;
}
