/** Named counts for the periodic and final log lines (routed, skipped:<reason>, dead-lettered:<code>...). */
export class Counters {
  #counts = new Map<string, number>();

  add(name: string, amount = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + amount);
  }

  get(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
